package org.pagila.cluster.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import org.pagila.cluster.engine.PackagedLayout;
import org.pagila.cluster.engine.Plan;
import org.pagila.cluster.engine.Promotion;
import org.pagila.cluster.engine.Provisioning;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.DockerExecTransport;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The VMs' way of archiving, with containers: each node archives WAL into its OWN folder on its own machine (no shared
 * folder), and this machine's archive gets their WAL only by collection over `docker exec`. The archive here starts
 * empty, so the backup completes only if the collection brings its WAL; after the standby is promoted and the old
 * primary's machine is gone, a marker rental exists only on the new timeline, in the promoted node's own archive, and a
 * restore --latest here must find it there. Skipped without Docker or the image; with CI=true that fails (DockerNodes).
 */
class ContainerArchiveCollectTest {
    private static final int BLOCK = Integer.parseInt(Optional.ofNullable(System.getenv("PAGILA_TEST_PORT_BLOCK")).orElse("29000"));
    private static final int RESTORE_PORT = BLOCK + 982;
    private static final List<String> NAMES = List.of("primary", "node1");
    /** Where each container keeps its own archive: the VMs' path. */
    private static final Path NODE_BACKUP_DIR = Path.of("/var/lib/pagila-backup");

    private static DockerClient docker;
    private static BackupSettings settings;
    private static BackupSettings nodeSettings;
    private static NodeControl control;
    private static Network network;
    private static final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
    private static final Map<String, Node> nodes = new LinkedHashMap<>();

    @BeforeAll
    static void startNodes() throws Exception {
        docker = DockerNodes.require("ContainerArchiveCollectTest");
        ClusterSettings cluster = ClusterSettings.from(key -> switch (key) {
            case "pagila.cluster.name" -> Optional.of("containers-collect-" + RESTORE_PORT);
            case "pagila.cluster.hosts" -> Optional.of("127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4");
            default -> Optional.empty();
        });
        org.pagila.cluster.engine.PostgresBinaries.deleteTree(cluster.clusterDir());
        Files.createDirectories(cluster.clusterDir());
        settings = BackupSettings.fromSystem(cluster);
        nodeSettings = new BackupSettings(cluster, NODE_BACKUP_DIR, settings.keep(), settings.walWait(), settings.maxReadLag(),
                settings.archiveTimeout());
        WalArchive nodeArchive = new WalArchive(nodeSettings);
        control = new NodeControl(Secrets.loadOrCreate(cluster.secretsFile()));
        PackagedLayout layout = new PackagedLayout("15", 5432).withArchiving(nodeArchive.serverSettings());

        network = Network.newNetwork();
        for (String name : NAMES) {
            // no bind mount: the archive stays inside the container, as on a VM's own disk
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(DockerNodes.IMAGE))
                    .withNetwork(network)
                    .withNetworkAliases(name)
                    .withLabel("pagila.branch", Optional.ofNullable(System.getenv("PAGILA_CLUSTER_NAME")).orElse("test"))
                    .withCreateContainerCmdModifier(cmd -> cmd.withHostName(name))
                    .withExposedPorts(layout.port())
                    .waitingFor(Wait.forLogMessage(".*pagila node ready.*", 1));
            container.start();
            containers.put(name, container);
            nodes.put(name, new Node(name, name, layout.port(), new DockerExecTransport(container.getContainerId(), PackagedLayout.OS_USER),
                    layout, () -> new ClusterSettings.NodeAddress(name, container.getHost(), DockerNodes.hostPort(docker, container, layout.port()))));
        }
        String subnet = docker.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam().getConfig().get(0).getSubnet();
        Progress progress = new Progress(System.out, 3);
        Provisioning provisioning = new Provisioning(() -> control, subnet, new PagilaFiles(PagilaFiles.dirFromEnvironment(), progress), progress);
        new Plan(nodes.values().stream().map(nodeArchive::ownArchiveOn).toList()).run(progress);
        new Plan(provisioning.primary(nodes.get("primary"), List.of(nodes.get("node1")))).run(progress);
        new Plan(provisioning.standby(nodes.get("node1"), nodes.get("primary"))).run(progress);
    }

    @AfterAll
    static void removeNodes() throws IOException {
        if (settings != null) {
            try {
                new Restore(settings, Progress.quiet()).stop(RESTORE_PORT);
            } catch (RuntimeException nothingRestored) {
                // the test stops it itself
            }
        }
        containers.values().forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
        if (settings != null) {
            org.pagila.cluster.engine.PostgresBinaries.deleteTree(settings.cluster().clusterDir());
        }
    }

    @Test
    void aRestoreHereReachesTheNewTimelineThatOnlyThePromotedNodesOwnArchiveHolds() throws Exception {
        BackupCluster cluster = BackupCluster.archivingLocally(List.copyOf(nodes.values()), control.secrets(),
                nodeSettings.archiveDir().toString());
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
        Node promoted = new Promotion(control, new Progress(System.out, 3)).promote(List.copyOf(nodes.values()), Optional.of("node1"));
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
        docker.stopContainerCmd(containers.get("primary").getContainerId()).exec();
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
