package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.pagila.cluster.probe.NodeStatus;

/**
 * The archive across a change of primary: after a crash and a promotion the new primary archives on its new
 * timeline and a restore replays across the switch; then a planned switchover under continuous rentals loses
 * none of the acknowledged ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionSwitchoverTest {
    private static final BackupTestCluster CLUSTER = new BackupTestCluster("PAGILA_TEST_SWITCHOVER_HOSTS",
            "127.0.0.1:29442,127.0.0.1:29443,127.0.0.1:29444,127.0.0.1:29445", 29951);
    private static final BackupSettings SETTINGS = CLUSTER.backupSettings(3);

    @BeforeAll
    static void cluster() {
        CLUSTER.freshUp();
    }

    @AfterAll
    static void removeCluster() {
        CLUSTER.destroy();
    }

    /** A benchmark that prints: how long a completed WAL segment takes to reach the archive while rentals run. */
    @Test
    @Order(0)
    void completedWalReachesTheArchiveUnderRentalLoad() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            try (Connection c = CLUSTER.primary()) {
                while (running.get()) {
                    BackupTestCluster.rent(c);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "rentals");
        load.start();
        List<Long> delays = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                CLUSTER.switchWalAndAwaitArchived(SETTINGS);
                delays.add((System.nanoTime() - start) / 1_000_000);
                sleep(300);
            }
        } finally {
            running.set(false);
            load.join();
        }
        List<Long> sorted = delays.stream().sorted().toList();
        System.out.printf("[archive] segment switch to archived under rental load: p50 %d ms, max %d ms (%d samples)%n",
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size());
        assertEquals(10, delays.size());
    }

    @Test
    @Order(1)
    void archivingContinuesAfterAPromotionAndARestoreCrossesTheTimelineSwitch() throws Exception {
        BackupInfo backup = new BaseBackup(CLUSTER.cluster(), SETTINGS, CLUSTER.progress()).take(Optional.empty());
        long beforeCrash;
        try (Connection primary = CLUSTER.primary()) {
            beforeCrash = BackupTestCluster.rent(primary);
            // the standbys have it before the crash (asynchronous replication loses what they have not received)
            BackupTestCluster.one(primary, "SELECT pg_sleep(0.5)");
        }
        CLUSTER.cluster().kill("primary");
        CLUSTER.cluster().promote(Optional.of("node1"));
        long afterPromotion;
        try (Connection primary = CLUSTER.primary()) {
            assertEquals("00000002", BackupTestCluster.one(primary, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"),
                    "the promoted node writes timeline 2");
            afterPromotion = BackupTestCluster.rent(primary);
        }
        String segment = CLUSTER.switchWalAndAwaitArchived(SETTINGS);
        assertTrue(segment.startsWith("00000002"), "the new primary archives on timeline 2: " + segment);
        assertTrue(new WalArchive(SETTINGS).has("00000002.history"), "with the timeline history file");

        Restore.RestoredNode restored = new Restore(SETTINGS, CLUSTER.progress())
                .restore(Optional.of(backup.id()), RestoreTarget.latest(), CLUSTER.restorePort);
        try (Connection c = CLUSTER.node(restored.address(), "pagila")) {
            assertTrue(BackupTestCluster.hasRental(c, beforeCrash), "rental from timeline 1");
            assertTrue(BackupTestCluster.hasRental(c, afterPromotion), "rental from timeline 2, after the switch");
            assertEquals("00000003", BackupTestCluster.one(c, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"),
                    "replayed timeline 1 then 2, and promoted onto a timeline of its own");
        } finally {
            new Restore(SETTINGS, CLUSTER.progress()).stop(CLUSTER.restorePort);
        }
        BackupInfo afterwards = new BaseBackup(CLUSTER.cluster(), SETTINGS, CLUSTER.progress()).take(Optional.empty());
        assertEquals(2, afterwards.timeline(), "backups go on from the new primary's standbys");
    }

    @Test
    @Order(2)
    void switchoverUnderContinuousRentalsLosesNoAcknowledgedRental() throws Exception {
        List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<Long> acknowledgedAt = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        int[] refused = {0};
        Thread counter = new Thread(() -> {
            Connection c = null;
            while (running.get()) {
                try {
                    if (c == null) {
                        c = CLUSTER.primary();
                    }
                    long id = BackupTestCluster.rent(c);
                    acknowledged.add(id);
                    acknowledgedAt.add(System.nanoTime());
                } catch (SQLException e) {
                    refused[0]++;
                    close(c);
                    c = null;
                    sleep(20);
                }
            }
            close(c);
        }, "rentals");
        counter.start();
        sleep(2000);
        Switchover.Result result = new Switchover(CLUSTER.cluster(), Duration.ofSeconds(30), CLUSTER.progress())
                .switchover(Optional.empty());
        sleep(2000);
        running.set(false);
        counter.join();

        long lost;
        try (Connection primary = CLUSTER.primary()) {
            assertEquals(CLUSTER.settings.node(result.newPrimary()).port(),
                    Integer.parseInt(BackupTestCluster.one(primary, "SHOW port")), "the target is the primary");
            String ids = acknowledged.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("0");
            lost = acknowledged.size() - Long.parseLong(BackupTestCluster.one(primary,
                    "SELECT count(*) FROM rental WHERE rental_id IN (" + ids + ")"));
        }
        long longestPause = 0;
        for (int i = 1; i < acknowledgedAt.size(); i++) {
            longestPause = Math.max(longestPause, acknowledgedAt.get(i) - acknowledgedAt.get(i - 1));
        }
        System.out.printf("[switchover] %s -> %s: gap (primary stop to promoted) %.2f s, longest pause between acknowledged"
                        + " rentals %.2f s, %d acknowledged, %d refused during the gap, %d lost%n", result.oldPrimary(),
                result.newPrimary(), result.gap().toMillis() / 1000.0, longestPause / 1e9, acknowledged.size(), refused[0], lost);
        assertEquals(0, lost, "every acknowledged rental is on the new primary");
        assertTrue(acknowledged.size() > 20, "rentals ran before and after: " + acknowledged.size());
        NodeStatus old = CLUSTER.cluster().status().stream().filter(n -> n.name().equals(result.oldPrimary())).findFirst().orElseThrow();
        assertEquals(NodeStatus.Role.STANDBY, old.role(), "the old primary follows as a standby");
        assertTrue(old.slotActive().orElse(false), CLUSTER.cluster().statusTable());
    }

    private static void close(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException e) {
            // gone with its server
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
