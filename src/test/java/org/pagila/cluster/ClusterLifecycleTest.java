package org.pagila.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `up` is idempotent and `down` keeps the data. Runs on a cluster of its own (other ports) so it can stop
 * nodes without disturbing the cluster the store tests use.
 */
class ClusterLifecycleTest {
    /**
     * Other ports can be chosen (PAGILA_TEST_LIFECYCLE_HOSTS) so two checkouts can test side by side. Test ports
     * stay below 32768, where Linux hands out ephemeral client ports, so no outgoing connection can hold one.
     */
    private static final String HOSTS = Optional.ofNullable(System.getenv("PAGILA_TEST_LIFECYCLE_HOSTS"))
            .orElse("127.0.0.1:24432,127.0.0.1:24433,127.0.0.1:24434,127.0.0.1:24435");
    private static final ClusterSettings SETTINGS = ClusterSettings.from(key -> switch (key) {
        case "pagila.cluster.name" -> Optional.of("lifecycle-" + HOSTS.replaceAll("^.*?:(\\d+),.*$", "$1"));
        case "pagila.cluster.hosts" -> Optional.of(HOSTS);
        default -> Optional.ofNullable(System.getProperty(key)).or(() -> Optional.ofNullable(System.getenv(
                key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))));
    });

    private static EmbeddedCluster cluster(ByteArrayOutputStream out) {
        return new EmbeddedCluster(SETTINGS, new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), 7));
    }

    @BeforeAll
    static void freshCluster() {
        EmbeddedCluster cluster = cluster(new ByteArrayOutputStream());
        cluster.destroy();
        cluster.up();
    }

    @AfterAll
    static void removeCluster() {
        cluster(new ByteArrayOutputStream()).destroy();
    }

    @Test
    void upTwiceChangesNothingAndDownThenUpResumesWithoutReloading() throws Exception {
        EmbeddedCluster cluster = cluster(new ByteArrayOutputStream());
        List<Long> pidsBefore = pids(cluster);

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        cluster(second).up();
        assertTrue(second.toString(StandardCharsets.UTF_8).contains("already run"), second.toString(StandardCharsets.UTF_8));
        assertEquals(pidsBefore, pids(cluster), "a second up must not restart anything");

        try (Connection c = superuser("primary"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survives_restart (id int)");
            s.execute("INSERT INTO survives_restart VALUES (42)");
        }
        cluster.down();
        for (String node : ClusterSettings.NODE_NAMES) {
            assertTrue(!cluster.node(node).isRunning(), node + " still runs after down");
        }

        ByteArrayOutputStream restart = new ByteArrayOutputStream();
        cluster(restart).up();
        String log = restart.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("already loaded; not reloading"), log);
        assertNotEquals(pidsBefore, pids(cluster), "down then up starts new server processes");
        for (String node : ClusterSettings.NODE_NAMES) {
            try (Connection c = superuser(node); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM survives_restart WHERE id = 42), (SELECT count(*) FROM film)")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the row written before down is on " + node);
                assertEquals(1000, rs.getInt(2), "film on " + node);
            }
        }
        assertTrue(cluster.status().stream().filter(n -> n.role() == NodeStatus.Role.STANDBY)
                .allMatch(n -> n.slotActive().orElse(false)), cluster.statusTable());
    }

    private static List<Long> pids(EmbeddedCluster cluster) {
        return ClusterSettings.NODE_NAMES.stream().map(n -> cluster.node(n).postmasterPid().orElse(-1L)).toList();
    }

    private static Connection superuser(String node) throws java.sql.SQLException {
        Secrets secrets = Secrets.load(SETTINGS.secretsFile());
        return Jdbc.connect(SETTINGS.node(node), "pagila", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
    }
}
