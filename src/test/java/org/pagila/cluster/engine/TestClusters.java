package org.pagila.cluster.engine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.store.web.TestPorts;

/** Local clusters of their own for the engine tests: ports from the environment, so checkouts can test side by side. */
final class TestClusters {
    private TestClusters() {
    }

    /**
     * hostsVariable: an explicit list; otherwise four ports at blockOffset in PAGILA_TEST_PORT_BLOCK; otherwise the
     * default first port. Test ports stay below 32768, where Linux hands out ephemeral client ports.
     */
    static String hosts(String hostsVariable, int blockOffset, int defaultFirstPort) {
        Optional<String> explicit = Optional.ofNullable(System.getenv(hostsVariable)).filter(v -> !v.isBlank());
        if (explicit.isPresent()) {
            return explicit.get();
        }
        int first = TestPorts.port(blockOffset, defaultFirstPort);
        return "127.0.0.1:" + first + ",127.0.0.1:" + (first + 1) + ",127.0.0.1:" + (first + 2) + ",127.0.0.1:" + (first + 3);
    }

    static ClusterSettings settings(String namePrefix, String hosts, Map<String, String> extra) {
        return ClusterSettings.from(key -> switch (key) {
            case "pagila.cluster.name" -> Optional.of(namePrefix + "-" + hosts.replaceAll("^.*?:(\\d+),.*$", "$1"));
            case "pagila.cluster.hosts" -> Optional.of(hosts);
            default -> Optional.ofNullable(extra.get(key)).or(() -> Optional.ofNullable(System.getenv(
                    key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))));
        });
    }

    static EmbeddedCluster cluster(ClusterSettings settings, ByteArrayOutputStream log) {
        return new EmbeddedCluster(settings, new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), 7));
    }

    static Connection superuser(ClusterSettings settings, String node, String database) throws SQLException {
        Secrets secrets = Secrets.load(settings.secretsFile());
        return Jdbc.connect(settings.node(node), database, Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
    }
}
