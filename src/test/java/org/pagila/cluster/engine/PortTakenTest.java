package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;

/** A port some other program holds is named in a clear error, not a PostgreSQL log to dig through. */
class PortTakenTest {

    @Test
    void upRefusesAPortThatIsAlreadyTaken() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            ClusterSettings settings = ClusterSettings.from(key -> switch (key) {
                case "pagila.cluster.name" -> Optional.of("port-taken");
                case "pagila.cluster.hosts" -> Optional.of("127.0.0.1:" + port + ",127.0.0.1:22433,127.0.0.1:22434,127.0.0.1:22435");
                default -> Optional.ofNullable(System.getenv(key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
            });
            EmbeddedCluster cluster = new EmbeddedCluster(settings, Progress.quiet());
            try {
                ClusterException refused = assertThrows(ClusterException.class, cluster::up);
                assertTrue(refused.getMessage().contains("Port " + port + " for primary is already taken"), refused.getMessage());
                assertTrue(refused.getMessage().contains("PAGILA_CLUSTER_HOSTS"), refused.getMessage());
            } finally {
                cluster.destroy();
            }
        }
    }
}
