package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.probe.NodeStatus;

/**
 * Split brain over the local transport: the primary frozen (SIGSTOP: it still accepts TCP), a standby promoted,
 * the old primary thawed. Fencing must leave exactly one writable primary, and a rental made after the promotion
 * must survive the old primary's rejoin. The container test runs the same engine code over `docker exec`.
 */
class SplitBrainLocalTest {
    private static final ClusterSettings SETTINGS = TestClusters.settings("split-brain",
            TestClusters.hosts("PAGILA_TEST_SPLITBRAIN_HOSTS", 932, 22532), Map.of());
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    private static EmbeddedCluster cluster() {
        return TestClusters.cluster(SETTINGS, LOG);
    }

    @BeforeAll
    static void up() {
        cluster().destroy();
        cluster().up();
    }

    @AfterAll
    static void destroy() {
        cluster().destroy();
    }

    @Test
    void freezePromoteThawLeavesOneWritablePrimaryAndRejoinKeepsTheRentalMadeAfterThePromotion() throws Exception {
        EmbeddedCluster cluster = cluster();
        cluster.freeze("primary");
        String promoted = cluster.promote(Optional.empty());
        assertTrue(cluster.isFenced("primary"), "the frozen primary is fenced by the promotion");

        ClusterException thaw = assertThrows(ClusterException.class, () -> cluster.thaw("primary"));
        assertTrue(thaw.getMessage().contains("rejoin primary"), thaw.getMessage());
        ClusterException start = assertThrows(ClusterException.class, () -> cluster.start("primary"));
        assertTrue(start.getMessage().contains("rejoin primary"), start.getMessage());
        LOG.reset();
        cluster.up();
        assertTrue(LOG.toString(StandardCharsets.UTF_8).contains("primary is fenced"), LOG.toString(StandardCharsets.UTF_8));
        assertFalse(cluster.isRunning("primary"), "up does not start a fenced former primary");
        assertEquals(List.of(promoted), writablePrimaries(), "exactly one writable primary after freeze, promote, thaw and up");

        long rental = rent(promoted);
        String how = cluster.rejoin("primary");
        System.out.println("[split-brain] old primary rejoined by " + how);
        assertFalse(cluster.isFenced("primary"), "rejoin lifts the fence");
        assertEquals(List.of(promoted), writablePrimaries(), "still exactly one writable primary after the rejoin");
        for (String node : ClusterSettings.NODE_NAMES) {
            Awaitility.await("rental " + rental + " on " + node).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> hasRental(node, rental));
        }
        List<NodeStatus> status = cluster.status();
        assertTrue(status.stream().filter(n -> !n.name().equals(promoted))
                .allMatch(n -> n.role() == NodeStatus.Role.STANDBY && n.slotActive().orElse(false)), cluster.statusTable());
    }

    /** Every node that accepts a connection and is not in recovery. */
    private static List<String> writablePrimaries() {
        return ClusterSettings.NODE_NAMES.stream().filter(node -> {
            try (Connection c = TestClusters.superuser(SETTINGS, node, "postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery()")) {
                return rs.next() && rs.getBoolean(1);
            } catch (Exception down) {
                return false;
            }
        }).toList();
    }

    /** A rental of a copy nobody has out, as the counter would record it; returns its id. */
    static long rent(String primary) throws Exception {
        try (Connection c = TestClusters.superuser(SETTINGS, primary, "pagila"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) "
                     + "SELECT now(), i.inventory_id, 1, 1 FROM inventory i WHERE NOT EXISTS (SELECT FROM rental r "
                     + "WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL) ORDER BY i.inventory_id LIMIT 1 "
                     + "RETURNING rental_id")) {
            assertTrue(rs.next(), "a free copy to rent");
            return rs.getLong(1);
        }
    }

    private static boolean hasRental(String node, long rental) throws Exception {
        try (Connection c = TestClusters.superuser(SETTINGS, node, "pagila"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM rental WHERE rental_id = " + rental)) {
            return rs.next() && rs.getLong(1) == 1;
        }
    }
}
