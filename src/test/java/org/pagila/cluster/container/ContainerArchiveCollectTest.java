package org.pagila.cluster.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.backup.ArchiveCollect;
import org.pagila.cluster.backup.BackupCli;
import org.pagila.cluster.backup.BackupCluster;
import org.pagila.cluster.backup.BackupInfo;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.BaseBackup;
import org.pagila.cluster.backup.Restore;
import org.pagila.cluster.backup.WalArchive;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.NodeControl;
import org.pagila.cluster.engine.Promotion;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.store.web.TestPorts;

/**
 * The VMs' way of archiving, with containers: each node archives WAL into its OWN folder on its own machine (no shared
 * folder), and this machine's archive gets their WAL only by collection over `docker exec`. The archive here starts
 * empty, so the backup completes only if the collection brings its WAL; after the standby is promoted and the old
 * primary's machine is gone, a marker rental exists only on the new timeline, in the promoted node's own archive, and a
 * restore --latest here must find it there. Skipped without Docker or the image; with CI=true that fails (DockerNodes).
 */
class ContainerArchiveCollectTest {
    private static final int BLOCK = TestPorts.blockOr(29000);
    private static final int RESTORE_PORT = BLOCK + 982;
    private static BackupContainers containers;
    private static BackupSettings settings;
    private static NodeControl control;
    private static Map<String, Node> nodes;

    @BeforeAll
    static void startNodes() throws Exception {
        // no shared folder: each container archives inside itself, as a VM on its own disk
        containers = BackupContainers.start("ContainerArchiveCollectTest", "containers-collect", RESTORE_PORT, false);
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
    void aRestoreHereReachesTheNewTimelineThatOnlyThePromotedNodesOwnArchiveHolds() throws Exception {
        // the backup logins only, as `kvm backup` runs: the admin file is not needed to back up, collect or restore
        BackupCluster cluster = BackupCluster.archivingLocally(containers.nodeList(), Secrets.loadForBackup(settings.cluster().secretsFile()),
                containers.nodeSettings.archiveDir().toString());
        WalArchive here = new WalArchive(settings);
        here.prepare();
        assertEquals(List.of(), here.files(), "no node writes the archive here");

        long started = System.nanoTime();
        BackupInfo backup = new BaseBackup(cluster, settings, new Progress(System.out, 6)).take(Optional.empty());
        System.out.printf(java.util.Locale.ROOT, "[container-collect] backup %s from %s, WAL collected over docker exec: %.1f s%n",
                backup.id(), backup.takenFrom(), (System.nanoTime() - started) / 1e9);
        assertEquals("node1", backup.takenFrom());
        assertTrue(backup.verified(), backup.verification().toString());
        assertTrue(here.has(backup.startWal()) && here.has(backup.stopWal()), "the backup's WAL was collected: " + here.files());

        // failover: the primary dies, node1 is promoted (timeline 2) and takes a rental only it has
        assertEquals(0, nodes.get("primary").transport().execAdmin(List.of("pg_ctlcluster", "15", "main", "stop", "-m", "immediate"))
                .exitCode());
        Node promoted = new Promotion(control, new Progress(System.out, 3)).promote(containers.nodeList(), Optional.of("node1"));
        String marker;
        String segment;
        try (Connection c = control.connect(promoted, "pagila")) {
            marker = one(c, "INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES (clock_timestamp(), 2, 2, 1)"
                    + " RETURNING rental_id");
            segment = one(c, "SELECT pg_walfile_name(pg_switch_wal())");
        }
        assertTrue(segment.startsWith("00000002"), "the promoted node writes timeline 2: " + segment);
        assertTrue(!here.has("00000002.history") && !here.has(segment), "nothing of timeline 2 is here before collecting");

        // the old primary's machine is gone: the collection reports it and goes on
        containers.docker.stopContainerCmd(containers.containers.get("primary").getContainerId()).exec();
        AtomicReference<ArchiveCollect.Report> last = new AtomicReference<>();
        Awaitility.await(segment + " archived by node1 and collected").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    last.set(new ArchiveCollect(cluster, settings, new Progress(System.out, 1)).collect());
                    return here.has(segment);
                });
        assertEquals(List.of("primary"), last.get().unreachable(), "the stopped container is reported");
        assertEquals(List.of(), last.get().refused());
        assertTrue(here.has("00000002.history"), "the promoted node's history file: " + here.files());

        started = System.nanoTime();
        assertEquals(0, BackupCli.run(settings, () -> cluster, List.of("restore", "--latest", "--port", String.valueOf(RESTORE_PORT))));
        System.out.printf(java.util.Locale.ROOT, "[container-collect] restore --latest on this machine, port %d: %.1f s%n", RESTORE_PORT,
                (System.nanoTime() - started) / 1e9);
        try (Connection c = Jdbc.connect(new ClusterSettings.NodeAddress("restored", "127.0.0.1", RESTORE_PORT), "pagila",
                Secrets.SUPERUSER, control.secrets().password(Secrets.SUPERUSER))) {
            assertEquals("1", one(c, "SELECT count(*) FROM rental WHERE rental_id = " + marker), "the rental made after the promotion");
            assertEquals("f", one(c, "SELECT pg_is_in_recovery()"));
            // promoted at the end of recovery: the timeline after the promoted node's 2, which it replayed
            assertEquals("00000003", one(c, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"));
        }
        new Restore(settings, Progress.quiet()).stop(RESTORE_PORT);
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
