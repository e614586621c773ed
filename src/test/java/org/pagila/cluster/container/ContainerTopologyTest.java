package org.pagila.cluster.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
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
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.Progress;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.NodeControl;
import org.pagila.cluster.engine.PackagedLayout;
import org.pagila.cluster.engine.Plan;
import org.pagila.cluster.engine.Promotion;
import org.pagila.cluster.engine.Provisioning;
import org.pagila.cluster.engine.Rejoin;
import org.pagila.cluster.engine.Replication;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.DockerExecTransport;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The engine run for real over `docker exec`: four containers named primary, node1, node2 and node3 on a private
 * Docker network, each with Debian's packaged PostgreSQL (the VMs' layout), provisioned by the same steps `kvm apply`
 * runs over SSH and the embedded cluster runs locally. Then the faults a classroom demo shows: a paused standby, a
 * partitioned standby, and split brain (the primary frozen, a standby promoted), fenced and rejoined by the same
 * Promotion and Rejoin code as SplitBrainLocalTest. The image comes from cluster/containers/build-image.sh; without
 * Docker or the image the class is skipped with the reason, and with CI=true it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerTopologyTest {
    private static final String IMAGE = DockerNodes.IMAGE;
    private static final PackagedLayout POSTGRES = new PackagedLayout("15", 5432);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    private static final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
    private static final Map<String, Node> nodes = new LinkedHashMap<>();
    private static Network network;
    private static DockerClient docker;
    private static NodeControl control;
    private static Provisioning provisioning;
    private static Progress progress;

    @BeforeAll
    static void startNodes() throws Exception {
        docker = DockerNodes.require("ContainerTopologyTest");

        network = Network.newNetwork();
        for (String name : ClusterSettings.NODE_NAMES) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                    .withNetwork(network)
                    .withNetworkAliases(name)
                    .withLabel("pagila.branch", Optional.ofNullable(System.getenv("PAGILA_CLUSTER_NAME")).orElse("test"))
                    .withCreateContainerCmdModifier(cmd -> cmd.withHostName(name))
                    .withExposedPorts(POSTGRES.port())
                    .waitingFor(Wait.forLogMessage(".*pagila node ready.*", 1));
            container.start();
            containers.put(name, container);
            nodes.put(name, new Node(name, name, POSTGRES.port(), new DockerExecTransport(container.getContainerId(),
                    PackagedLayout.OS_USER), POSTGRES, () -> new ClusterSettings.NodeAddress(name, container.getHost(), hostPort(container))));
        }
        String subnet = docker.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam().getConfig().get(0).getSubnet();
        Path dir = Files.createTempDirectory("pagila-containers");
        control = new NodeControl(Secrets.loadOrCreate(dir.resolve("secrets.properties")));
        progress = new Progress(System.out, 3);
        provisioning = new Provisioning(() -> control, subnet, new PagilaFiles(PagilaFiles.dirFromEnvironment(), progress), progress);
    }

    @AfterAll
    static void removeNodes() {
        containers.values().forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    @Test
    @Order(1)
    void theStepsBuildAPrimaryAndThreeStreamingStandbys() throws Exception {
        provisionAll();
        assertEquals("3", control.query(node("primary"), "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name LIKE 'node__slot'"));
        for (Node standby : standbys()) {
            assertEquals("t", control.query(standby, "SELECT pg_is_in_recovery()"), standby.name());
            assertEquals("1000", control.query(standby, "pagila", "SELECT count(*) FROM film"), "Pagila on " + standby.name());
            String autoConf = standby.transport().run(List.of("cat", POSTGRES.dataDir() + "/postgresql.auto.conf"));
            assertTrue(autoConf.contains("primary_slot_name = '" + standby.name() + "_slot'") && autoConf.contains("host=primary"),
                    "pg_basebackup -R wrote the standby's upstream: " + autoConf);
            assertTrue(autoConf.contains("passfile=") && !autoConf.contains("password="), "the replicator's password stays in the"
                    + " password file, out of primary_conninfo: " + autoConf);
            assertTrue(control.isStandbyConfigured(standby), "standby.signal on " + standby.name());
        }
        write("primary", "after clone");
        for (Node standby : standbys()) {
            awaitRow(standby, "after clone");
        }
    }

    @Test
    @Order(2)
    void applyingTheStepsAgainChangesNothing() {
        Map<String, String> pidsBefore = postmasterPids();
        provisionAll();
        assertEquals(pidsBefore, postmasterPids(), "a second run restarts and re-clones nothing");
        assertEquals("1000", control.query(node("primary"), "pagila", "SELECT count(*) FROM film"), "Pagila is not loaded twice");
    }

    @Test
    @Order(3)
    void aPausedStandbyCannotAnswerWhileThePrimaryKeepsWritingThenCatchesUp() throws Exception {
        String id = containers.get("node2").getContainerId();
        docker.pauseContainerCmd(id).exec();
        try {
            String lsn = write("primary", "while node2 was paused");
            // paused before the write: node2 cannot have received it, so the primary cannot have heard it replayed
            assertEquals("0", control.query(node("primary"), "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node2'"
                    + " AND replay_lsn >= '" + lsn + "'"), "node2 reported a replay while paused");
            assertThrows(SQLException.class, () -> Jdbc.connect(node("node2").client().get(), "pagila", Secrets.SUPERUSER,
                    control.secrets().password(Secrets.SUPERUSER), Duration.ofSeconds(1)).close(), "a paused node answers nothing");
            awaitRow(node("node1"), "while node2 was paused");
        } finally {
            docker.unpauseContainerCmd(id).exec();
        }
        awaitRow(node("node2"), "while node2 was paused");
    }

    @Test
    @Order(4)
    void aPartitionedStandbyLosesItsSlotThenCatchesUpWhenReconnected() throws Exception {
        String id = containers.get("node3").getContainerId();
        docker.disconnectFromNetworkCmd().withNetworkId(network.getId()).withContainerId(id).exec();
        try {
            await("node3_slot inactive on the primary once node3 is cut off", () -> "f".equals(control.query(node("primary"),
                    "SELECT active FROM pg_replication_slots WHERE slot_name = 'node3_slot'")));
            write("primary", "during the partition");
            // cut off from every network, node3 has no published port either: asked through docker exec
            assertEquals("0", psql(node("node3"), "pagila", "SELECT count(*) FROM demo WHERE note = 'during the partition'"),
                    "node3 cannot see a write made while it is cut off");
            assertEquals("t", psql(node("node3"), "postgres", "SELECT pg_is_in_recovery()"), "node3 still serves reads as a standby");
        } finally {
            docker.connectToNetworkCmd().withNetworkId(network.getId()).withContainerId(id)
                    .withContainerNetwork(new ContainerNetwork().withAliases("node3")).exec();
        }
        awaitRow(node("node3"), "during the partition");
        new Replication(control, progress).awaitStreaming(node("primary"), node("node3"));
    }

    @Test
    @Order(5)
    void splitBrainFrozenPrimaryIsFencedByThePromotionAndTheRentalSurvivesItsRejoin() throws Exception {
        write("primary", "before the freeze");
        for (Node standby : standbys()) {
            awaitRow(standby, "before the freeze");
        }
        List<Long> frozen = control.signal(node("primary"), "STOP", true);
        assertFalse(frozen.isEmpty(), "the primary's processes were frozen");

        Node promoted = new Promotion(control, progress).promote(List.copyOf(nodes.values()), Optional.empty());
        assertTrue(List.of("node1", "node2", "node3").contains(promoted.name()), "a standby was promoted: " + promoted.name());
        assertTrue(control.isFenced(node("primary")), "the frozen primary is fenced");
        assertEquals("manual", node("primary").transport().run(List.of("cat", POSTGRES.confDir() + "/start.conf")),
                "the fenced node's service no longer starts at boot");
        assertTrue(control.signal(node("primary"), "CONT", true).isEmpty(), "thawing finds no process of the fenced primary left");
        ClusterException refused = assertThrows(ClusterException.class, () -> control.start(node("primary")));
        assertTrue(refused.getMessage().contains("rejoin primary"), refused.getMessage());
        assertEquals(List.of(promoted.name()), writablePrimaries(), "exactly one writable primary");

        long rental = rent(promoted);
        String how = new Rejoin(control, progress).rejoin(node("primary"), promoted);
        assertEquals("pg_rewind", how, "the packaged layout rejoins with pg_rewind");
        assertFalse(control.isFenced(node("primary")));
        assertEquals("auto", node("primary").transport().run(List.of("cat", POSTGRES.confDir() + "/start.conf")));
        assertEquals("t", control.query(node("primary"), "SELECT pg_is_in_recovery()"), "the old primary is a standby now");
        assertEquals(List.of(promoted.name()), writablePrimaries(), "still exactly one writable primary");
        for (Node node : nodes.values()) {
            await("rental " + rental + " on " + node.name(), () -> "1".equals(control.query(node, "pagila",
                    "SELECT count(*) FROM rental WHERE rental_id = " + rental)));
            awaitRow(node, "before the freeze");
        }
        assertEquals("3", control.query(promoted, "SELECT count(*) FROM pg_replication_slots WHERE active"),
                "the new primary streams to the other three through their slots");
    }

    // ---- helpers ----

    private static void provisionAll() {
        new Plan(provisioning.primary(node("primary"), standbys())).run(progress);
        for (Node standby : standbys()) {
            new Plan(provisioning.standby(standby, node("primary"))).run(progress);
        }
    }

    private static List<Node> standbys() {
        return List.of(node("node1"), node("node2"), node("node3"));
    }

    private static Node node(String name) {
        return nodes.get(name);
    }

    /** A query as the postgres OS user over the node's local socket, through its transport. */
    private static String psql(Node node, String database, String sql) {
        return node.transport().run(List.of(POSTGRES.bin("psql"), "-X", "-A", "-t", "-q", "-p", String.valueOf(POSTGRES.port()),
                "-d", database, "-c", sql)).strip();
    }

    private static List<String> writablePrimaries() {
        return nodes.values().stream().filter(node -> {
            try (Connection c = Jdbc.connect(node.client().get(), "postgres", Secrets.SUPERUSER,
                    control.secrets().password(Secrets.SUPERUSER), Duration.ofSeconds(2));
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery()")) {
                return rs.next() && rs.getBoolean(1);
            } catch (SQLException down) {
                return false;
            }
        }).map(Node::name).toList();
    }

    /** Writes over JDBC (through the node's published port); returns the WAL position after the write. */
    private static String write(String nodeName, String note) throws SQLException {
        try (Connection c = control.connect(node(nodeName), "pagila"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS demo (note text)");
            s.execute("INSERT INTO demo VALUES ('" + note + "')");
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** A rental of a copy nobody has out, as the counter records one; returns its id. */
    private static long rent(Node primary) throws SQLException {
        try (Connection c = control.connect(primary, "pagila"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) "
                     + "SELECT now(), i.inventory_id, 1, 1 FROM inventory i WHERE NOT EXISTS (SELECT FROM rental r "
                     + "WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL) ORDER BY i.inventory_id LIMIT 1 "
                     + "RETURNING rental_id")) {
            assertTrue(rs.next(), "a free copy to rent");
            return rs.getLong(1);
        }
    }

    private static void awaitRow(Node node, String note) {
        await("'" + note + "' on " + node.name(), () -> "1".equals(control.query(node, "pagila",
                "SELECT count(*) FROM demo WHERE note = '" + note + "'")));
    }

    private static void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(CATCH_UP).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(condition);
    }

    private static Map<String, String> postmasterPids() {
        Map<String, String> pids = new LinkedHashMap<>();
        nodes.forEach((name, node) -> pids.put(name, node.transport().run(List.of("head", "-n", "1", POSTGRES.dataDir() + "/postmaster.pid"))));
        return pids;
    }

    private static int hostPort(GenericContainer<?> container) {
        return DockerNodes.hostPort(docker, container, POSTGRES.port());
    }
}
