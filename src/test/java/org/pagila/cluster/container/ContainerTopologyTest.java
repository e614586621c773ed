package org.pagila.cluster.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.DockerExecTransport;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.NodePlan;
import org.pagila.cluster.PackagedPostgres;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.Progress;
import org.pagila.cluster.Secrets;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The node plan of the KVM topology, run for real: four containers named primary, node1, node2 and node3 on a
 * private Docker network, each with Debian's packaged PostgreSQL (the VMs' layout), provisioned through
 * `docker exec` exactly as `kvm apply` provisions VMs through SSH. Then the faults a classroom demo shows: a
 * paused standby, a partitioned standby, and the primary killed, a standby promoted, the old primary rejoined.
 * The image comes from cluster/containers/build-image.sh (no registry is reachable); without Docker or without
 * the image the class is skipped with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerTopologyTest {
    private static final String IMAGE = Optional.ofNullable(System.getenv("PAGILA_NODE_IMAGE")).orElse("pagila-store/postgres:15");
    private static final PackagedPostgres POSTGRES = new PackagedPostgres("15", 5432);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    private static final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
    private static final Map<String, NodePlan.Node> nodes = new LinkedHashMap<>();
    private static Network network;
    private static DockerClient docker;
    private static Secrets secrets;
    private static NodePlan plan;
    private static Instant started;

    @BeforeAll
    static void startNodes() throws Exception {
        String dockerProblem;
        try {
            dockerProblem = DockerClientFactory.instance().isDockerAvailable() ? null : "no Docker engine";
        } catch (RuntimeException e) {
            dockerProblem = "Docker is not usable (" + e.getMessage() + ")";
        }
        skipUnless(dockerProblem == null, dockerProblem + ": install docker.io, start dockerd and set"
                + " TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost (README, KVM topology)");
        docker = DockerClientFactory.instance().client();
        boolean hasImage;
        try {
            docker.inspectImageCmd(IMAGE).exec();
            hasImage = true;
        } catch (NotFoundException e) {
            hasImage = false;
        }
        skipUnless(hasImage, "no image " + IMAGE + " (build it with cluster/containers/build-image.sh)");

        started = Instant.now();
        network = Network.newNetwork();
        for (String name : ClusterSettings.NODE_NAMES) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                    .withNetwork(network)
                    .withNetworkAliases(name)
                    .withCreateContainerCmdModifier(cmd -> cmd.withHostName(name))
                    .withExposedPorts(POSTGRES.port())
                    .waitingFor(Wait.forLogMessage(".*pagila node ready.*", 1));
            container.start();
            containers.put(name, container);
            nodes.put(name, new NodePlan.Node(name, name, new DockerExecTransport(container.getContainerId(), PackagedPostgres.OS_USER),
                    () -> new ClusterSettings.NodeAddress(name, container.getHost(), hostPort(container))));
        }
        String subnet = docker.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam().getConfig().get(0).getSubnet();
        Path dir = Files.createTempDirectory("pagila-containers");
        secrets = Secrets.loadOrCreate(dir.resolve("secrets.properties"));
        Progress progress = new Progress(System.out, 1);
        plan = new NodePlan(POSTGRES, subnet, secrets, new PagilaFiles(PagilaFiles.dirFromEnvironment(), progress), progress);
        System.out.printf("[containers] 4 nodes on network %s (%s) in %.1f s%n", network.getId().substring(0, 12), subnet, seconds());
    }

    @AfterAll
    static void removeNodes() {
        containers.values().forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
        if (started != null) {
            System.out.printf("[containers] topology test took %.1f s%n", seconds());
        }
    }

    @Test
    @Order(1)
    void thePlanBuildsAPrimaryAndThreeStreamingStandbys() throws Exception {
        List<NodePlan.Node> standbys = List.of(node("node1"), node("node2"), node("node3"));
        plan.run(plan.primary(node("primary"), standbys));
        for (NodePlan.Node standby : standbys) {
            plan.run(plan.standby(standby, node("primary")));
        }

        assertEquals("3", plan.sql(node("primary"), "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name LIKE 'node__slot'"));
        for (NodePlan.Node standby : standbys) {
            assertEquals("t", plan.sql(standby, "SELECT pg_is_in_recovery()"), standby.name());
            assertEquals("1000", plan.sql(standby, "pagila", "SELECT count(*) FROM film"), "Pagila on " + standby.name());
            String autoConf = standby.transport().run(List.of("cat", POSTGRES.dataDir() + "/postgresql.auto.conf"));
            assertTrue(autoConf.contains("primary_slot_name = '" + standby.name() + "_slot'") && autoConf.contains("host=primary"),
                    "pg_basebackup -R wrote the standby's upstream: " + autoConf);
            assertEquals(0, standby.transport().exec(List.of("test", "-f", POSTGRES.dataDir() + "/standby.signal")).exitCode());
        }
        String lsn = write("primary", "INSERT INTO demo VALUES ('after clone')");
        for (NodePlan.Node standby : standbys) {
            awaitRow(standby, "after clone", "a write on the primary (" + lsn + ") replicated to " + standby.name());
        }
    }

    @Test
    @Order(2)
    void applyingThePlanAgainChangesNothing() {
        Map<String, String> pidsBefore = postmasterPids();
        List<NodePlan.Node> standbys = List.of(node("node1"), node("node2"), node("node3"));
        plan.run(plan.primary(node("primary"), standbys));
        for (NodePlan.Node standby : standbys) {
            plan.run(plan.standby(standby, node("primary")));
        }
        assertEquals(pidsBefore, postmasterPids(), "a second run restarts and re-clones nothing");
        assertEquals("1000", plan.sql(node("primary"), "pagila", "SELECT count(*) FROM film"), "Pagila is not loaded twice");
    }

    @Test
    @Order(3)
    void aPausedStandbyFallsBehindAndCatchesUpWhenResumed() throws Exception {
        String id = containers.get("node2").getContainerId();
        docker.pauseContainerCmd(id).exec();
        String lsn;
        try {
            lsn = write("primary", "INSERT INTO demo VALUES ('while node2 was frozen')");
            Thread.sleep(1500);
            // the primary keeps accepting writes; the frozen standby has not replayed them
            assertEquals("0", plan.sql(node("primary"), "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node2'"
                    + " AND replay_lsn >= '" + lsn + "'"), "node2 cannot have replayed while paused");
            awaitRow(node("node1"), "while node2 was frozen", "node1 keeps streaming while node2 is paused");
        } finally {
            docker.unpauseContainerCmd(id).exec();
        }
        awaitRow(node("node2"), "while node2 was frozen", "node2 catches up after unpause");
    }

    @Test
    @Order(4)
    void aPartitionedStandbyLosesItsSlotThenCatchesUpWhenReconnected() throws Exception {
        String id = containers.get("node3").getContainerId();
        docker.disconnectFromNetworkCmd().withNetworkId(network.getId()).withContainerId(id).exec();
        try {
            await(() -> "f".equals(plan.sql(node("primary"), "SELECT active FROM pg_replication_slots WHERE slot_name = 'node3_slot'")),
                    "node3_slot inactive on the primary once node3 is cut off");
            write("primary", "INSERT INTO demo VALUES ('during the partition')");
            assertEquals("0", plan.sql(node("node3"), "pagila", "SELECT count(*) FROM demo WHERE note = 'during the partition'"),
                    "node3 cannot see a write made while it is cut off");
            assertEquals("t", plan.sql(node("node3"), "SELECT pg_is_in_recovery()"), "node3 still serves reads as a standby");
        } finally {
            docker.connectToNetworkCmd().withNetworkId(network.getId()).withContainerId(id)
                    .withContainerNetwork(new ContainerNetwork().withAliases("node3")).exec();
        }
        awaitRow(node("node3"), "during the partition", "node3 catches up after the partition heals");
        plan.awaitStreaming(node("primary"), node("node3"));
    }

    @Test
    @Order(5)
    void killedPrimaryThenPromoteFollowAndRejoin() throws Exception {
        String lsn = write("primary", "INSERT INTO demo VALUES ('before the crash')");
        for (String standby : List.of("node1", "node2", "node3")) {
            awaitRow(node(standby), "before the crash", standby + " has everything before the crash (" + lsn + ")");
        }
        String primaryId = containers.get("primary").getContainerId();
        docker.killContainerCmd(primaryId).exec();

        List<NodePlan.Node> standbys = new ArrayList<>(List.of(node("node1"), node("node2"), node("node3")));
        NodePlan.Node promoted = plan.mostAdvanced(standbys);
        standbys.remove(promoted);
        plan.promote(promoted, List.of(standbys.get(0), standbys.get(1), node("primary")));
        assertEquals("f", plan.sql(promoted, "SELECT pg_is_in_recovery()"), promoted.name() + " is the new primary");
        for (NodePlan.Node standby : standbys) {
            plan.follow(standby, promoted);
        }
        write(promoted.name(), "INSERT INTO demo VALUES ('after the failover')");

        docker.startContainerCmd(primaryId).exec();
        await(() -> containers.get("primary").getLogs().contains("pagila node ready"), "the old primary's container is back");
        String how = plan.rejoin(node("primary"), promoted);
        System.out.println("[containers] old primary rejoined by " + how);

        assertEquals("t", plan.sql(node("primary"), "SELECT pg_is_in_recovery()"), "the old primary is a standby now");
        for (NodePlan.Node node : List.of(node("primary"), standbys.get(0), standbys.get(1))) {
            awaitRow(node, "after the failover", "a write on the new primary reaches " + node.name());
            awaitRow(node, "before the crash", "nothing from before the crash is lost on " + node.name());
        }
        assertEquals("3", plan.sql(promoted, "SELECT count(*) FROM pg_replication_slots WHERE active"),
                "the new primary streams to the other three through their slots");
        assertNotEquals(promoted.name(), "primary");
    }

    // ---- helpers ----

    private static NodePlan.Node node(String name) {
        return nodes.get(name);
    }

    /** Writes over JDBC (through the node's published port); returns the primary's WAL position after the write. */
    private static String write(String nodeName, String insert) throws SQLException {
        NodePlan.Node node = node(nodeName);
        try (Connection c = Jdbc.connect(node.client().get(), "pagila", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS demo (note text)");
            s.execute(insert);
            try (var rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void awaitRow(NodePlan.Node node, String note, String what) {
        await(() -> "1".equals(plan.sql(node, "pagila", "SELECT count(*) FROM demo WHERE note = '" + note + "'")), what);
    }

    private static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(CATCH_UP);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + CATCH_UP.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted: " + what, e);
            }
        }
        System.out.printf("[containers %6.1fs] %s%n", seconds(), what);
    }

    private static Map<String, String> postmasterPids() {
        Map<String, String> pids = new LinkedHashMap<>();
        nodes.forEach((name, node) -> pids.put(name, node.transport().run(List.of("head", "-n", "1", POSTGRES.dataDir() + "/postmaster.pid"))));
        return pids;
    }

    /** The host port as Docker publishes it now: it changes when a container is restarted or reconnected. */
    private static int hostPort(GenericContainer<?> container) {
        Ports.Binding[] bindings = docker.inspectContainerCmd(container.getContainerId()).exec().getNetworkSettings().getPorts()
                .getBindings().get(ExposedPort.tcp(POSTGRES.port()));
        if (bindings == null || bindings.length == 0) {
            throw new IllegalStateException("no published port for " + container.getContainerId());
        }
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("[containers] SKIPPED ContainerTopologyTest: " + reason);
        }
        assumeTrue(condition, reason);
    }

    private static double seconds() {
        return Duration.between(started, Instant.now()).toMillis() / 1000.0;
    }
}
