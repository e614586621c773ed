package org.pagila.cluster.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.Progress;
import org.pagila.cluster.probe.ClusterProbe;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.LocalTransport;
import org.pagila.cluster.transport.NodeTransport;
import org.pagila.cluster.transport.ServiceUser;

/**
 * The default cluster: a primary and three hot standbys as local processes on 127.0.0.1, driven by the same engine
 * steps as containers and VMs (Provisioning, Promotion, Rejoin, Fence) over the local transport with the embedded
 * layout. Used by the cluster command, by the store in dev mode and by the tests.
 */
public final class EmbeddedCluster {
    private static final String LOOPBACK_CIDR = "127.0.0.1/32";

    private final ClusterSettings settings;
    private final Progress progress;
    private final NodeTransport local = new LocalTransport();
    private PostgresBinaries binaries;

    public EmbeddedCluster(ClusterSettings settings, Progress progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** Brings the cluster up from nothing, restarts stopped nodes, or reports that it already runs. */
    public void up() {
        Instant started = Instant.now();
        progress.info("Cluster '" + settings.name() + "' in " + settings.clusterDir());
        progress.step("PostgreSQL binaries");
        prepareDirectories();
        progress.detail(binaries().origin() + (ServiceUser.isRoot() ? "; servers run as user '" + ServiceUser.NAME + "'" : ""));
        List<Node> nodes = nodes();
        NodeControl control = new NodeControl(Secrets.loadOrCreate(settings.secretsFile()));
        PagilaFiles pagila = new PagilaFiles(settings.pagilaDir(), progress);
        Provisioning provisioning = new Provisioning(() -> control, LOOPBACK_CIDR, pagila, progress);
        if (nodes.stream().allMatch(control::isRunning)) {
            converge(nodes, control, provisioning);
            progress.info("All four nodes already run; nothing to start.");
            progress.info("\n" + statusTable());
            return;
        }
        Bringup.Decision decision = Bringup.decide(nodes.stream().map(n -> facts(control, n)).toList());
        Node primary = primaryOf(nodes, decision);
        Fence fence = new Fence(control, progress);
        for (String name : decision.leftDown()) {
            Node left = node(nodes, name);
            if (!control.isFenced(left)) {
                // a primary that a failover left behind (stopped before fencing existed): fence it now
                fence.fence(left, primary.name() + " is the primary on a newer timeline");
            }
            progress.detail(name + " is fenced (a former primary): not started. Bring it back with `rejoin " + name + "`.");
        }
        List<Step> primarySteps = provisioning.primary(primary, nodes.stream().filter(n -> n != primary).toList());

        progress.step("primary: " + primary.name() + " " + primary.peerHost() + ":" + primary.peerPort());
        new Plan(primarySteps.subList(0, primarySteps.size() - 1)).run(progress);
        progress.step("Pagila v" + PagilaFiles.VERSION + " on " + primary.name());
        new Plan(primarySteps.subList(primarySteps.size() - 1, primarySteps.size())).run(progress);

        List<Node> standbys = decision.standbys().stream().map(name -> node(nodes, name)).toList();
        for (Node standby : standbys) {
            progress.step(standby.name() + ": a hot standby of " + primary.name());
            new Plan(provisioning.standby(standby, primary)).run(progress);
        }
        progress.step("standbys catching up with " + primary.name());
        new Replication(control, progress).awaitCaughtUp(primary, standbys, Duration.ofSeconds(120));
        progress.info(String.format("Cluster up in %.1f s%n%n%s", Duration.between(started, Instant.now()).toMillis() / 1000.0,
                statusTable()));
    }

    /**
     * Nothing to start, but roles, access rules and password files converge, so a running cluster made by an older
     * version is brought up to date. A cluster in trouble (a frozen node) is left as it is, as before.
     */
    private void converge(List<Node> nodes, NodeControl control, Provisioning provisioning) {
        try {
            Bringup.Decision decision = Bringup.decide(nodes.stream().map(n -> facts(control, n)).toList());
            List<Node> standbys = decision.standbys().stream().map(name -> node(nodes, name)).toList();
            new Plan(provisioning.converge(primaryOf(nodes, decision), standbys)).run(progress);
        } catch (ClusterException e) {
            progress.info("Roles and access rules not checked now: " + e.getMessage());
        }
    }

    private static Node primaryOf(List<Node> nodes, Bringup.Decision decision) {
        return node(nodes, decision.primary().orElseThrow(() -> new ClusterException(
                "No node can be the primary: all are standbys or fenced. See `status`; use `promote`, then `rejoin`.")));
    }

    /** Idempotent; a repeated down (or one before up) says there was nothing to stop rather than nothing at all. */
    public void down() {
        if (!Files.isDirectory(settings.clusterDir())) {
            progress.info("No cluster '" + settings.name() + "' at " + settings.clusterDir() + ": nothing to stop");
            return;
        }
        NodeControl control = new NodeControl(null);
        // frozen nodes first (killed at once): the primary's shutdown would wait for its walsender to a frozen standby
        List<Node> running = nodes().stream().filter(control::isRunning)
                .sorted(java.util.Comparator.comparing((Node n) -> !control.isFrozen(n))).toList();
        for (Node node : running) {
            CloneStep.stopOrKill(control, node);
            progress.info(node.name() + " stopped");
        }
        if (running.isEmpty()) {
            progress.info("No node of cluster '" + settings.name() + "' was running: nothing to stop");
        }
    }

    public void destroy() {
        if (!Files.exists(settings.clusterDir())) {
            progress.info("No cluster '" + settings.name() + "' at " + settings.clusterDir() + ": nothing to remove");
            return;
        }
        down();
        try {
            PostgresBinaries.deleteTree(settings.clusterDir());
            progress.info("removed " + settings.clusterDir());
        } catch (IOException e) {
            throw new ClusterException("Cannot remove " + settings.clusterDir() + ": " + e.getMessage(), e);
        }
    }

    public void stop(String nodeName) {
        progress.info(new NodeActions(control()).stop(node(nodeName)));
    }

    /** Refuses a fenced former primary: only `rejoin` brings it back. */
    public void start(String nodeName) {
        progress.info(new NodeActions(control()).start(node(nodeName)));
    }

    /** SIGKILL of the postmaster, as a crash would; its children (thawed first, if frozen) exit by themselves. */
    public void kill(String nodeName) {
        progress.info(new NodeActions(control()).kill(node(nodeName)));
    }

    /** SIGSTOP of a node's processes: it accepts connections but never answers (demos of a frozen primary). */
    public void freeze(String nodeName) {
        progress.info(new NodeActions(control()).freeze(node(nodeName)));
    }

    /** Refuses a fenced former primary (a promotion happened while it was frozen): it must be rejoined. */
    public void thaw(String nodeName) {
        progress.info(new NodeActions(control()).thaw(node(nodeName)));
    }

    /** Fences the old primary, promotes the named standby or the one that received the most WAL, re-points the rest. */
    public String promote(Optional<String> requested) {
        String promoted = new Promotion(control(), progress).promote(nodes(), requested).name();
        progress.info("\n" + statusTable());
        return promoted;
    }

    public String rejoin(String nodeName) {
        Node primary = status().stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).findFirst().map(n -> node(n.name()))
                .orElseThrow(() -> new ClusterException("No primary is running; promote a standby first."));
        String how = new Rejoin(control(), progress).rejoin(node(nodeName), primary);
        progress.info("\n" + statusTable());
        return how;
    }

    public List<NodeStatus> status() {
        return status(Secrets.SUPERUSER, Secrets.load(settings.secretsFile()).password(Secrets.SUPERUSER));
    }

    /**
     * The nodes' status as a given login sees it: the superuser (in database postgres) or the monitoring login
     * (pg_monitor, which may connect to pagila only).
     */
    public List<NodeStatus> status(String user, String password) {
        String database = user.equals(Secrets.SUPERUSER) ? "postgres" : "pagila";
        try (ClusterProbe probe = new ClusterProbe(settings.nodes(), database, user, password)) {
            return probe.probe();
        }
    }

    public String statusTable() {
        return ClusterProbe.table(status());
    }

    public boolean isRunning(String nodeName) {
        return new NodeControl(null).isRunning(node(nodeName));
    }

    public boolean isFenced(String nodeName) {
        return new NodeControl(null).isFenced(node(nodeName));
    }

    public Optional<Long> postmasterPid(String nodeName) {
        Path pidFile = Path.of(node(nodeName).layout().dataDir(), "postmaster.pid");
        try {
            return Files.isRegularFile(pidFile) ? Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public Secrets secrets() {
        return Secrets.load(settings.secretsFile());
    }

    public Node node(String nodeName) {
        return node(nodes(), nodeName);
    }

    public List<Node> nodes() {
        List<Node> nodes = new ArrayList<>();
        for (ClusterSettings.NodeAddress address : settings.nodes()) {
            if (!address.host().equals("localhost") && !address.host().startsWith("127.")) {
                throw new ClusterException("The embedded cluster runs on this machine only; " + address.name()
                        + " is set to " + address.host());
            }
            EmbeddedLayout layout = new EmbeddedLayout(settings.clusterDir().resolve(address.name()), binaries(), address.host());
            nodes.add(new Node(address.name(), address.host(), address.port(), local, layout, () -> address));
        }
        return nodes;
    }

    private NodeControl control() {
        return new NodeControl(secrets());
    }

    private Bringup.Facts facts(NodeControl control, Node node) {
        boolean initialized = control.isInitialized(node);
        boolean running = initialized && control.isRunning(node);
        boolean runningPrimary = false;
        if (running) {
            try {
                runningPrimary = "f".equals(control.query(node, "SELECT pg_is_in_recovery()"));
            } catch (ClusterException frozenOrStarting) {
                runningPrimary = false;
            }
        }
        return new Bringup.Facts(node.name(), initialized, initialized && control.isStandbyConfigured(node),
                initialized && control.isFenced(node), runningPrimary, initialized ? timeline(node) : 0);
    }

    /** The node's WAL timeline: each promotion starts a new one and leaves a history file behind. */
    private static int timeline(Node node) {
        try (var files = Files.list(Path.of(node.layout().dataDir(), "pg_wal"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{8}\\.history"))
                    .mapToInt(n -> Integer.parseInt(n.substring(0, 8), 16)).max().orElse(1);
        } catch (IOException e) {
            return 1;
        }
    }

    private void prepareDirectories() {
        try {
            Files.createDirectories(settings.clusterDir());
        } catch (IOException e) {
            throw new ClusterException("Cannot create " + settings.clusterDir() + ": " + e.getMessage(), e);
        }
        ServiceUser.ensureExists(settings.home());
        for (Node node : nodes()) {
            ((EmbeddedLayout) node.layout()).prepareDir();
        }
    }

    private PostgresBinaries binaries() {
        if (binaries == null) {
            binaries = PostgresBinaries.resolve(settings, progress);
        }
        return binaries;
    }

    private static Node node(List<Node> nodes, String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new ClusterException("Unknown node '" + name + "': expected one of " + ClusterSettings.NODE_NAMES));
    }
}
