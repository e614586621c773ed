package org.pagila.store.dashboard;

import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterSettings;
import org.pagila.store.cluster.TestCluster;

/**
 * The store polls every node every second twice over: its view of roles and lag, and the dashboard's replication
 * details. Both keep their login between polls (a new one each time cost every node a backend start and a SCRAM
 * hash per poll, eight logins a second in all): each node holds exactly two monitoring sessions, both older than
 * several polls.
 */
@QuarkusTest
class MonitoringSessionsTest {

    @Test
    void bothPollersKeepOneSessionPerNode() {
        String kept = "SELECT count(*) FROM pg_stat_activity WHERE usename = 'pagila_monitor'"
                + " AND backend_start < now() - interval '3 seconds'";
        Map<String, Long> expected = new TreeMap<>();
        ClusterSettings.NODE_NAMES.forEach(node -> expected.put(node, 2L));
        Awaitility.await("two monitoring sessions per node, each over 3 s old")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> sessions(kept), equalTo(expected));
    }

    private static Map<String, Long> sessions(String sql) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String node : ClusterSettings.NODE_NAMES) {
            try (Connection c = TestCluster.superuser(node, "pagila")) {
                counts.put(node, TestCluster.count(c, sql));
            }
        }
        return counts;
    }
}
