package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.ha.HaPackages;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniBackupCluster;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.ha.PatroniRest;
import org.pagila.cluster.secrets.HiddenAdminFile;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.store.web.TestPorts;

/**
 * The backup implementation on the Patroni profile, for real: etcd, Patroni and Debian's PostgreSQL 15 on four members.
 * Archiving comes from Patroni's parameters on every member; a base backup is taken from a replica that Patroni runs
 * (its leader checked first); a restore with PostgreSQL 15's programs reaches the point between two marker rentals;
 * after a Patroni switchover the new leader archives its new timeline into the same archive. Ports:
 * PAGILA_TEST_PORT_BLOCK (default 29000) + 960..963 PostgreSQL, +964.. Patroni REST, +970.. etcd, +976/977 HAProxy,
 * +980 the restored node. Without the Debian packages the class is skipped, saying which; with CI=true it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniBackupTest {
    private static final int BLOCK = TestPorts.blockOr(29000);
    private static final int PG = BLOCK + 960;
    private static final int RESTORE_PORT = BLOCK + 980;
    private static final Map<String, String> CONFIG = Map.of(
            "pagila.cluster.name", "ha-backup-" + PG,
            "pagila.cluster.hosts", "127.0.0.1:" + PG + ",127.0.0.1:" + (PG + 1) + ",127.0.0.1:" + (PG + 2) + ",127.0.0.1:" + (PG + 3),
            "pagila.ha.rest-port", String.valueOf(BLOCK + 964),
            "pagila.ha.etcd-port", String.valueOf(BLOCK + 970),
            "pagila.ha.haproxy-port", String.valueOf(BLOCK + 976));
    private static final HaSettings HA = HaSettings.from(key -> Optional.ofNullable(CONFIG.get(key))
            .or(() -> Optional.ofNullable(System.getenv(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")))));
    private static final BackupSettings SETTINGS = BackupSettings.fromSystem(HA.cluster());
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static PatroniCluster cluster;

    @BeforeAll
    static void up() {
        List<String> missing = HaPackages.missing(HA);
        if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and the Patroni profile's packages are missing: " + missing);
        }
        if (!missing.isEmpty()) {
            System.out.println("[patroni-backup] SKIPPED: missing Debian packages " + missing);
        }
        assumeTrue(missing.isEmpty(), "missing Debian packages " + missing);
        cluster = new PatroniCluster(HA, progress());
        cluster.destroy();
        cluster.up();
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            try {
                restore().stop(RESTORE_PORT);
            } catch (RuntimeException nothingRestored) {
                // the restore test stops its node itself
            }
            cluster.destroy();
        }
    }

    private static Progress progress() {
        return new Progress(new PrintStream(LOG, true, StandardCharsets.UTF_8), 5);
    }

    private static Restore restore() {
        return new Restore(SETTINGS, progress());
    }

    @Test
    @Order(1)
    void everyMemberArchivesThroughTheSettingsPatroniWrites() throws Exception {
        for (String member : HA.members()) {
            try (Connection c = cluster.superuser(member, "postgres")) {
                assertEquals("always", BackupTestCluster.one(c, "SHOW archive_mode"), member);
                assertEquals(new WalArchive(SETTINGS).archiveCommand(), BackupTestCluster.one(c, "SHOW archive_command"), member);
                // Patroni put it there (its postgresql.conf), not a file of ours beside Patroni's
                assertTrue(BackupTestCluster.one(c, "SELECT sourcefile FROM pg_settings WHERE name = 'archive_command'")
                        .endsWith("/postgresql.conf"), member);
            }
        }
    }

    @Test
    @Order(2)
    void backupFromAReplicaRestoresToThePointBetweenTwoMarkerRentals() throws Exception {
        String leader = leader();
        long started = System.nanoTime();
        BackupInfo backup;
        // Patroni's view without its REST password, the monitor and the backup role: the tooling's file is not even there
        try (HiddenAdminFile hidden = HiddenAdminFile.of(HA.cluster().secretsFile())) {
            backup = new BaseBackup(new PatroniBackupCluster(cluster), SETTINGS, progress()).take(Optional.empty());
        }
        assertEquals("standby", backup.sourceRole(), "a replica Patroni runs spares the leader: " + LOG);
        assertNotEquals(leader, backup.takenFrom());
        assertTrue(backup.verified(), backup.verification().toString());
        assertTrue(backup.serverVersion().startsWith("15"), backup.serverVersion());
        System.out.printf(Locale.ROOT, "[patroni-backup] backup %s from %s (leader %s): %,d files, %.1f MB read, %.1f MB compressed, %.1f s%n",
                backup.id(), backup.takenFrom(), leader, backup.files(), backup.bytes() / 1048576.0, backup.compressedBytes() / 1048576.0,
                (System.nanoTime() - started) / 1e9);

        long before;
        long after;
        Instant target;
        try (Connection primary = cluster.superuser(leader, "pagila")) {
            before = BackupTestCluster.rent(primary);
            Thread.sleep(1000);
            target = Instant.parse(BackupTestCluster.one(primary,
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            Thread.sleep(1000);
            after = BackupTestCluster.rent(primary);
        }
        switchWalAndAwaitArchived(leader);

        Restore.RestoredNode restored = restore().restore(Optional.of(backup.id()), RestoreTarget.time(target), RESTORE_PORT);
        System.out.printf(Locale.ROOT, "[patroni-backup] restore to %s on port %d: %.1f s%n", target, RESTORE_PORT,
                restored.took().toMillis() / 1000.0);
        try (Connection c = Jdbc.connect(restored.address(), "pagila", Secrets.SUPERUSER, secrets().password(Secrets.SUPERUSER))) {
            assertTrue(BackupTestCluster.hasRental(c, before), "the rental made before the target is restored");
            assertFalse(BackupTestCluster.hasRental(c, after), "the rental made after the target is not");
            assertTrue(BackupTestCluster.one(c, "SHOW server_version").startsWith("15"), "PostgreSQL 15's programs run it");
            assertEquals("f", BackupTestCluster.one(c, "SELECT pg_is_in_recovery()"), "promoted, standalone");
            assertEquals("off", BackupTestCluster.one(c, "SHOW archive_mode"), "never archives into the cluster's archive");
            assertEquals("", BackupTestCluster.one(c, "SHOW primary_conninfo"), "replicates from nobody");
            assertTrue(BackupTestCluster.one(c, "SHOW hba_file").startsWith(restored.dataDir().toString()),
                    "its access rules are its own, not the live member's file Patroni named");
        }
        restore().stop(RESTORE_PORT);
        assertFalse(Files.exists(restored.dataDir()), "restore-stop removes it");
    }

    @Test
    @Order(3)
    void afterAPatroniSwitchoverTheNewLeaderArchivesItsTimelineIntoTheSameArchive() throws Exception {
        String old = leader();
        long oldTimeline = timeline(old);
        String candidate = HA.members().stream().filter(m -> !m.equals(old)).findFirst().orElseThrow();
        cluster.rest().switchover(old, Optional.of(candidate));
        Awaitility.await("Patroni makes " + candidate + " the leader").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> candidate.equals(leader()));
        long newTimeline = timeline(candidate);
        assertTrue(newTimeline > oldTimeline, "a promotion starts a new timeline");
        try (Connection primary = cluster.superuser(candidate, "pagila")) {
            BackupTestCluster.rent(primary);
        }
        String segment = switchWalAndAwaitArchived(candidate);
        assertEquals(newTimeline, Long.parseLong(segment.substring(0, 8), 16), segment);
        String history = String.format("%08X.history", newTimeline);
        Awaitility.await(history + " archived").atMost(Duration.ofSeconds(60)).until(() -> new WalArchive(SETTINGS).has(history));
    }

    private static String leader() {
        return cluster.rest().view().flatMap(PatroniRest.View::leader).filter(PatroniRest.Member::isRunningOrStreaming)
                .map(PatroniRest.Member::name).orElseThrow();
    }

    /** The leader's current timeline: the first 8 hex digits of the WAL file it writes (pg_control lags a promotion). */
    private static long timeline(String leader) throws SQLException {
        try (Connection c = cluster.superuser(leader, "postgres")) {
            return Long.parseLong(BackupTestCluster.one(c, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"), 16);
        }
    }

    private static String switchWalAndAwaitArchived(String leader) throws SQLException {
        String segment;
        try (Connection c = cluster.superuser(leader, "postgres")) {
            segment = BackupTestCluster.one(c, "SELECT pg_walfile_name(pg_switch_wal())");
        }
        WalArchive archive = new WalArchive(SETTINGS);
        Awaitility.await("segment " + segment + " archived").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> archive.has(segment));
        return segment;
    }

    private static Secrets secrets() {
        return Secrets.load(HA.cluster().secretsFile());
    }
}
