package org.pagila.store.failover;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.TestCluster;

/**
 * Brings the failover cluster back to one primary and three standbys streaming from it, whatever an earlier test
 * left behind (a killed, frozen or second primary), so every failover test starts from the same state on its own.
 * Which node is the primary is whatever the repair leaves: tests ask, never assume "primary".
 * As an extension it repairs after each test too, so the last test leaves no killed node behind for the cluster's
 * removal at the end.
 */
public final class HealthyCluster implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) {
        ensure();
    }

    /** Returns the primary's name once the store, too, writes to it. */
    public static String ensure() {
        EmbeddedCluster cluster = TestCluster.cluster();
        for (String node : org.pagila.cluster.ClusterSettings.NODE_NAMES) {
            if (!cluster.isFenced(node)) {
                cluster.thaw(node); // a frozen node from a failed test; SIGCONT to a running one changes nothing
            }
        }
        List<NodeStatus> primaries = primaries(cluster);
        // Two primaries: keep the one on the highest timeline, as the store does; the others are rejoined below.
        primaries.stream().sorted(Comparator.comparingLong((NodeStatus p) -> p.timeline().orElse(-1L)).reversed()).skip(1)
                .forEach(older -> cluster.kill(older.name()));
        String primary = primaries(cluster).stream().map(NodeStatus::name).findFirst()
                .orElseGet(() -> cluster.promote(Optional.empty()));
        int primaryPort = TestCluster.settings().node(primary).port();
        for (NodeStatus node : cluster.status()) {
            boolean streamsFromPrimary = node.role() == NodeStatus.Role.STANDBY
                    && node.upstream().orElse("").contains(":" + primaryPort + " (streaming)");
            if (!node.name().equals(primary) && !streamsFromPrimary) {
                cluster.rejoin(node.name());
            }
        }
        // A freshly cloned standby counts as lagging (max-read-lag is 3 s in this profile) until its replay lag settles.
        Awaitility.await("the store writes to " + primary + " and all four nodes serve").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> storeSeesHealthy(primary));
        return primary;
    }

    private static List<NodeStatus> primaries(EmbeddedCluster cluster) {
        return cluster.status().stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).toList();
    }

    private static boolean storeSeesHealthy(String primary) {
        var api = given().get("/api/cluster").then().statusCode(200).extract();
        List<Boolean> serving = api.path("nodes.servesReads");
        return "READ_WRITE".equals(api.path("mode")) && primary.equals(api.path("primary")) && api.path("conflict") == null
                && serving.stream().allMatch(Boolean.TRUE::equals);
    }

    /** The standbys of the healthy cluster, in list order. */
    static List<String> standbys() {
        return TestCluster.cluster().status().stream().filter(n -> n.role() == NodeStatus.Role.STANDBY).map(NodeStatus::name).toList();
    }
}
