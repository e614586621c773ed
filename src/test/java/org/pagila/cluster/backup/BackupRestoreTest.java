package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.secrets.HiddenAdminFile;
import org.pagila.cluster.secrets.Secrets;

/**
 * Backups on a real cluster: a point-in-time restore between two marker rentals, refusal of a corrupted backup
 * and of targets outside the window, one backup at a time, an archive that cannot be written, retention.
 * The cluster is shared by the tests (bringing one up takes a minute); each test takes the backups it needs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreTest {
    private static final BackupTestCluster CLUSTER = new BackupTestCluster("PAGILA_TEST_BACKUP_HOSTS",
            "127.0.0.1:29432,127.0.0.1:29433,127.0.0.1:29434,127.0.0.1:29435", 29950);
    private static final BackupSettings SETTINGS = CLUSTER.backupSettings(2);

    @BeforeAll
    static void cluster() {
        CLUSTER.freshUp();
    }

    @AfterAll
    static void removeCluster() {
        CLUSTER.destroy();
    }

    private static BackupInfo backup() {
        return new BaseBackup(CLUSTER.cluster(), SETTINGS, CLUSTER.progress()).take(Optional.empty());
    }

    private static Restore restore() {
        return new Restore(SETTINGS, CLUSTER.progress());
    }

    @Test
    @Order(1)
    void pointInTimeRestoreHasTheRentalBeforeTheTargetAndNotTheOneAfter() throws Exception {
        BackupInfo backup = backup();
        assertEquals("standby", backup.sourceRole(), "a healthy standby spares the primary");
        assertTrue(backup.verified(), backup.verification().toString());
        try (ZipLikeTar tar = new ZipLikeTar(backup.archive())) {
            assertTrue(tar.names().containsAll(List.of("postgresql.conf", "pg_hba.conf", "pagila-cluster.conf", "backup_label")),
                    "configuration files are in the backup");
        }
        long before;
        long after;
        Instant target;
        try (Connection primary = CLUSTER.primary()) {
            before = BackupTestCluster.rent(primary);
            Thread.sleep(1000);
            target = Instant.parse(BackupTestCluster.one(primary, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            Thread.sleep(1000);
            after = BackupTestCluster.rent(primary);
        }
        CLUSTER.switchWalAndAwaitArchived(SETTINGS);

        Restore.RestoredNode restored = restore().restore(Optional.empty(), RestoreTarget.time(target), CLUSTER.restorePort);
        try (Connection c = CLUSTER.node(restored.address(), "pagila")) {
            assertTrue(BackupTestCluster.hasRental(c, before), "the rental made before the target is restored");
            assertFalse(BackupTestCluster.hasRental(c, after), "the rental made after the target is not");
            assertEquals("f", BackupTestCluster.one(c, "SELECT pg_is_in_recovery()"), "promoted, standalone");
            assertEquals("off", BackupTestCluster.one(c, "SHOW archive_mode"), "never archives into the cluster's archive");
            assertEquals("", BackupTestCluster.one(c, "SHOW primary_conninfo"), "replicates from nobody");
            assertEquals("0", BackupTestCluster.one(c, "SELECT count(*) FROM pg_replication_slots"), "no slot");
        }
        try (Connection primary = CLUSTER.primary()) {
            assertTrue(BackupTestCluster.one(primary, "SELECT string_agg(application_name, ',') FROM pg_stat_replication")
                    .matches("[node0-9,]+"), "nothing from the restored node streams from the cluster");
        }
        ClusterException taken = assertThrows(ClusterException.class,
                () -> restore().restore(Optional.empty(), RestoreTarget.latest(), CLUSTER.restorePort));
        assertTrue(taken.getMessage().contains("already runs on port"), taken.getMessage());
        restore().stop(CLUSTER.restorePort);
        int clusterPort = CLUSTER.settings.node("primary").port();
        ClusterException portTaken = assertThrows(ClusterException.class,
                () -> restore().restore(Optional.empty(), RestoreTarget.latest(), clusterPort));
        assertTrue(portTaken.getMessage().contains("Port " + clusterPort + " is taken"), portTaken.getMessage());
    }

    @Test
    @Order(2)
    void targetsOutsideTheWindowAreRefusedNamingIt() {
        for (Instant outside : List.of(Instant.now().minusSeconds(86_400), Instant.now().plusSeconds(3600))) {
            ClusterException e = assertThrows(ClusterException.class,
                    () -> restore().restore(Optional.empty(), RestoreTarget.time(outside), CLUSTER.restorePort));
            assertTrue(e.getMessage().contains("A restore can reach 20"), e.getMessage());
        }
        assertFalse(Files.exists(SETTINGS.restoresDir().resolve("restore-" + CLUSTER.restorePort)), "nothing left behind");
    }

    @Test
    @Order(3)
    void aSecondBackupWhileOneRunsIsRefused() {
        try (BackupLock running = BackupLock.acquire(SETTINGS.lockFile(), "a test holding the lock")) {
            ClusterException e = assertThrows(ClusterException.class, BackupRestoreTest::backup);
            assertTrue(e.getMessage().contains("Another backup is running (a test holding the lock"), e.getMessage());
        }
    }

    @Test
    @Order(4)
    void aCorruptedBackupIsDetectedAndNeverRestored() throws Exception {
        BackupInfo backup = backup();
        try (RandomAccessFile file = new RandomAccessFile(backup.archive().toFile(), "rw")) {
            long middle = file.length() / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(b ^ 0x01);
        }
        BackupInfo checked = new BackupVerifier(SETTINGS, CLUSTER.progress()).verifyAndRecord(backup);
        assertFalse(checked.verified(), "verification notices one flipped bit");
        assertTrue(new BackupCatalog(SETTINGS).table().contains("NO: Backup " + backup.id() + " is corrupted"));
        ClusterException e = assertThrows(ClusterException.class,
                () -> restore().restore(Optional.of(backup.id()), RestoreTarget.latest(), CLUSTER.restorePort));
        assertTrue(e.getMessage().contains("is corrupted"), e.getMessage());
        assertFalse(Files.exists(SETTINGS.restoresDir().resolve("restore-" + CLUSTER.restorePort)), "nothing restored");
        BackupFiles.deleteTree(backup.dir());
    }

    @Test
    @Order(5)
    void anArchiveThatCannotBeWrittenFailsTheBackupCleanlyAndIsReported() throws Exception {
        int kept = new BackupCatalog(SETTINGS).list().size();
        Path wal = SETTINGS.archiveDir();
        Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("---------"));
        try {
            // From the primary: its backup ends in the segment being written now, which cannot be archived any more.
            // (A standby's ends at its minimum recovery point, which may lie in a segment archived before, and such a
            // backup rightly succeeds.)
            String primary = CLUSTER.cluster().status().stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY)
                    .findFirst().orElseThrow().name();
            ClusterException e = assertThrows(ClusterException.class,
                    () -> new BaseBackup(CLUSTER.cluster(), SETTINGS, CLUSTER.progress()).take(Optional.of(primary)));
            assertTrue(e.getMessage().contains("did not reach the archive") && e.getMessage().contains(kept + " older backup(s) kept"),
                    e.getMessage());
            assertEquals(kept, new BackupCatalog(SETTINGS).list().size(), "older backups kept");
            try (var left = Files.list(SETTINGS.baseDir())) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".partial")), "no half backup left");
            }
            List<ArchiverHealth> health = ArchiverHealth.probe(CLUSTER.settings.nodes(), "postgres",
                    CLUSTER.secrets().password("postgres"));
            assertTrue(health.stream().anyMatch(ArchiverHealth::failing), health.toString());
            assertTrue(ArchiverHealth.table(health, wal.toString()).contains("FAILING NOW"));
        } finally {
            Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rwx------"));
        }
        CLUSTER.switchWalAndAwaitArchived(SETTINGS);
    }

    @Test
    @Order(6)
    void retentionKeepsTheNewestKAndPrunesTheWalNoKeptBackupNeeds() throws Exception {
        BackupInfo second = backup();
        try (Connection primary = CLUSTER.primary()) {
            BackupTestCluster.rent(primary);
        }
        CLUSTER.switchWalAndAwaitArchived(SETTINGS);
        BackupInfo third = backup();
        List<BackupInfo> kept = new BackupCatalog(SETTINGS).list();
        assertEquals(List.of(second.id(), third.id()), kept.stream().map(BackupInfo::id).toList(), "K = 2 newest kept");
        long oldestNeeded = WalNames.segmentNumberOf(second.startWal(), second.segmentSize()).orElseThrow();
        List<String> archived = new WalArchive(SETTINGS).files();
        assertTrue(archived.stream().map(n -> WalNames.segmentNumberOf(n, second.segmentSize()))
                .flatMap(Optional::stream).allMatch(n -> n >= oldestNeeded), "no WAL older than the oldest kept backup: " + archived);
        assertTrue(archived.contains(second.startWal()) && archived.contains(third.stopWal()), archived.toString());
        assertTrue(CLUSTER.log.toString().contains("retention: pruned"), "retention pruned WAL");
        RestoreWindow window = new BackupCatalog(SETTINGS).window().orElseThrow();
        assertEquals(second.endTime(), window.fromTime(), "the window starts at the oldest kept backup");
    }

    @Test
    @Order(7)
    void aBackupLogsInAsTheBackupRoleAndNeedsNoSuperuserPassword() throws Exception {
        BackupCluster given = BackupCluster.of(CLUSTER.cluster());
        ClusterException superuser = assertThrows(ClusterException.class, () -> given.logins().password(Secrets.SUPERUSER));
        assertTrue(superuser.getMessage().contains("never reads it"), superuser.getMessage());
        BackupInfo backup;
        try (HiddenAdminFile hidden = HiddenAdminFile.of(CLUSTER.settings.secretsFile())) {
            backup = new BaseBackup(given, SETTINGS, CLUSTER.progress()).take(Optional.empty());
        }
        assertTrue(backup.verified(), "taken with only the monitor's and the backup role's logins, no admin file: " + backup);

        // it does log in as pagila_backup: give it a wrong password for that login and the backup fails naming it
        Path wrong = Files.createTempDirectory("backup-logins").resolve("secrets.properties");
        Properties logins = new Properties();
        try (var in = Files.newBufferedReader(CLUSTER.settings.secretsFile(), java.nio.charset.StandardCharsets.ISO_8859_1)) {
            logins.load(in);
        }
        logins.setProperty(Secrets.BACKUP_USER + ".password", "not-" + logins.getProperty(Secrets.BACKUP_USER + ".password"));
        try (var out = Files.newBufferedWriter(wrong, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            logins.store(out, null);
        }
        ClusterException refused = assertThrows(ClusterException.class, () -> new BaseBackup(
                BackupCluster.of(CLUSTER.cluster().nodes(), wrong), SETTINGS, CLUSTER.progress()).take(Optional.empty()));
        assertTrue(refused.getMessage().contains("password authentication failed for user \"" + Secrets.BACKUP_USER + "\""),
                refused.getMessage());
    }

    /** Entry names of a backup's tar.gz. */
    private static final class ZipLikeTar implements AutoCloseable {
        private final org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar;

        ZipLikeTar(Path file) throws java.io.IOException {
            tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                    new java.util.zip.GZIPInputStream(Files.newInputStream(file)));
        }

        List<String> names() throws java.io.IOException {
            List<String> names = new java.util.ArrayList<>();
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
            }
            return names;
        }

        @Override
        public void close() throws java.io.IOException {
            tar.close();
        }
    }
}
