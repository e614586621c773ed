package org.pagila.cluster.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.backup.BackupCluster;
import org.pagila.cluster.backup.BackupInfo;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.BaseBackup;
import org.pagila.cluster.backup.Restore;
import org.pagila.cluster.backup.RestoreTarget;
import org.pagila.cluster.backup.WalArchive;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.NodeControl;
import org.pagila.cluster.secrets.HiddenAdminFile;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.store.web.TestPorts;

/**
 * The same backup implementation over `docker exec`: a primary and one standby in containers with Debian's packaged
 * PostgreSQL 15 (the VMs' layout), archiving into the backup folder bind-mounted at the same path in each, a base
 * backup read by tar inside the standby's container (with Debian's /etc configuration), and a point-in-time restore
 * on this machine with PostgreSQL 15's programs, between two marker rentals. Two nodes, not four: the backup needs a
 * primary and one streaming standby, and each container costs a clone. Skipped without Docker or the image, with the
 * reason; with CI=true that fails (DockerNodes).
 */
class ContainerBackupTest {
    private static final int BLOCK = TestPorts.blockOr(29000);
    private static final int RESTORE_PORT = BLOCK + 981;
    private static BackupContainers containers;
    private static BackupSettings settings;
    private static NodeControl control;
    private static Map<String, Node> nodes;

    @BeforeAll
    static void startNodes() throws Exception {
        containers = BackupContainers.start("ContainerBackupTest", "containers-backup", RESTORE_PORT, true);
        settings = containers.settings;
        control = containers.control;
        nodes = containers.nodes;
    }

    @AfterAll
    static void removeNodes() throws IOException {
        if (containers != null) {
            containers.remove();
        }
    }

    @Test
    void aBackupReadOverDockerExecRestoresToThePointBetweenTwoMarkerRentals() throws Exception {
        BackupCluster cluster = BackupCluster.of(containers.nodeList(), settings.cluster().secretsFile());
        long started = System.nanoTime();
        BackupInfo backup;
        // over docker exec too: the monitor and the backup role only, the tooling's file is not even there
        try (HiddenAdminFile hidden = HiddenAdminFile.of(settings.cluster().secretsFile())) {
            backup = new BaseBackup(cluster, settings, new Progress(System.out, 5)).take(Optional.empty());
        }
        assertEquals("node1", backup.takenFrom(), "the streaming standby, read through docker exec");
        assertTrue(backup.verified(), backup.verification().toString());
        System.out.printf(java.util.Locale.ROOT, "[container-backup] backup %s from %s over docker exec: %,d files, %.1f MB read, %.1f MB compressed, %.1f s%n",
                backup.id(), backup.takenFrom(), backup.files(), backup.bytes() / 1048576.0, backup.compressedBytes() / 1048576.0,
                (System.nanoTime() - started) / 1e9);
        List<String> names = entries(backup.archive());
        assertTrue(names.containsAll(List.of("config/postgresql.conf", "config/pg_hba.conf", "config/conf.d/pagila-cluster.conf",
                "PG_VERSION", "global/pg_control", "backup_label")), "data and Debian's /etc configuration: " + names);
        assertFalse(names.stream().anyMatch(n -> n.startsWith("pg_wal/0")), "no WAL segments: they come from the archive");

        long before;
        long after;
        Instant target;
        try (Connection primary = control.connect(nodes.get("primary"), "pagila")) {
            before = rent(primary);
            Thread.sleep(1000);
            target = Instant.parse(one(primary, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            Thread.sleep(1000);
            after = rent(primary);
            String segment = one(primary, "SELECT pg_walfile_name(pg_switch_wal())");
            Awaitility.await(segment + " archived by the container").atMost(Duration.ofSeconds(60))
                    .until(() -> new WalArchive(settings).has(segment));
        }

        Restore.RestoredNode restored = new Restore(settings, new Progress(System.out, 3))
                .restore(Optional.of(backup.id()), RestoreTarget.time(target), RESTORE_PORT);
        System.out.printf(java.util.Locale.ROOT, "[container-backup] restore on this machine, port %d: %.1f s%n", RESTORE_PORT,
                restored.took().toMillis() / 1000.0);
        try (Connection c = Jdbc.connect(restored.address(), "pagila", Secrets.SUPERUSER, control.secrets().password(Secrets.SUPERUSER))) {
            assertEquals("1", one(c, "SELECT count(*) FROM rental WHERE rental_id = " + before), "the rental before the target");
            assertEquals("0", one(c, "SELECT count(*) FROM rental WHERE rental_id = " + after), "not the one after it");
            assertTrue(one(c, "SHOW server_version").startsWith("15"), "PostgreSQL 15's programs run it");
            assertEquals("f", one(c, "SELECT pg_is_in_recovery()"), "promoted, standalone");
        }
        new Restore(settings, Progress.quiet()).stop(RESTORE_PORT);
    }

    private static long rent(Connection primary) throws SQLException {
        return Long.parseLong(one(primary, "INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) "
                + "VALUES (clock_timestamp(), 1, 1, 1) RETURNING rental_id"));
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> entries(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(archive)))) {
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
