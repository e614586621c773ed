package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.probe.ClusterProbe;
import org.pagila.cluster.probe.NodeStatus;

/**
 * `up` is idempotent and `down` keeps the data. Runs on a cluster of its own (other ports) so it can stop
 * nodes without disturbing the cluster the store tests use.
 */
class ClusterLifecycleTest {
    private static final ClusterSettings SETTINGS = TestClusters.settings("lifecycle",
            TestClusters.hosts("PAGILA_TEST_LIFECYCLE_HOSTS", 632, 24432), Map.of());

    private static EmbeddedCluster cluster(ByteArrayOutputStream out) {
        return TestClusters.cluster(SETTINGS, out);
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

        try (Connection c = TestClusters.superuser(SETTINGS, "primary", "pagila"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survives_restart (id int)");
            s.execute("INSERT INTO survives_restart VALUES (42)");
        }
        cluster.down();
        for (String node : ClusterSettings.NODE_NAMES) {
            assertFalse(cluster.isRunning(node), node + " still runs after down");
        }

        ByteArrayOutputStream restart = new ByteArrayOutputStream();
        cluster(restart).up();
        String log = restart.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("already loaded") && log.contains("not reloading"), log);
        assertTrue(log.contains("not cloned again") && !log.contains("backup ends at LSN"), "down then up clones nothing again:\n" + log);
        assertNotEquals(pidsBefore, pids(cluster), "down then up starts new server processes");
        for (String node : ClusterSettings.NODE_NAMES) {
            try (Connection c = TestClusters.superuser(SETTINGS, node, "pagila"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM survives_restart WHERE id = 42), (SELECT count(*) FROM film)")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the row written before down is on " + node);
                assertEquals(1000, rs.getInt(2), "film on " + node);
            }
        }
        assertTrue(cluster.status().stream().filter(n -> n.role() == NodeStatus.Role.STANDBY)
                .allMatch(n -> n.slotActive().orElse(false)), cluster.statusTable());
    }

    /** The store polls every second: one kept login per node, and a restarted node is seen up at the next poll. */
    @Test
    void aProbeKeepsOneSessionPerNodeAndSeesARestartedNodeAtOnce() throws Exception {
        EmbeddedCluster cluster = cluster(new ByteArrayOutputStream());
        org.pagila.cluster.secrets.Secrets secrets = org.pagila.cluster.secrets.Secrets.load(SETTINGS.secretsFile());
        String sessions = "SELECT count(*) FROM pg_stat_activity WHERE usename = 'pagila_monitor' AND application_name = 'pagila-cluster'";
        try (ClusterProbe probe = new ClusterProbe(SETTINGS.nodes(), "pagila", "pagila_monitor",
                secrets.password("pagila_monitor"), java.time.Duration.ofSeconds(1))) {
            for (int i = 0; i < 5; i++) {
                assertEquals(4, probe.probe().stream().filter(n -> n.role() != NodeStatus.Role.DOWN).count());
            }
            for (String node : ClusterSettings.NODE_NAMES) {
                try (Connection c = TestClusters.superuser(SETTINGS, node, "pagila"); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery(sessions)) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "five probes, one monitoring session on " + node);
                }
            }
            cluster.stop("node2");
            assertEquals(NodeStatus.Role.DOWN, role(probe, "node2"), "a stopped node is down");
            cluster.start("node2");
            assertEquals(NodeStatus.Role.STANDBY, role(probe, "node2"), "the kept connection is gone, a new login sees it");
            probe.probe();
            cluster.stop("node3");
            cluster.start("node3");
            assertEquals(NodeStatus.Role.STANDBY, role(probe, "node3"), "restarted between two polls: up at once, never down");
        }
    }

    private static NodeStatus.Role role(ClusterProbe probe, String node) {
        return probe.probe().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow().role();
    }

    private static List<Long> pids(EmbeddedCluster cluster) {
        return ClusterSettings.NODE_NAMES.stream().map(n -> cluster.postmasterPid(n).orElse(-1L)).toList();
    }
}
