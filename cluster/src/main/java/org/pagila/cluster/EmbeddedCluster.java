package org.pagila.cluster;

import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.pagila.PagilaInstall;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The default cluster: a primary and three hot standbys as local processes on 127.0.0.1.
 * Used by the cluster command, by the store in dev mode and by the tests: one implementation.
 */
public final class EmbeddedCluster {
    private static final String LOOPBACK_CIDR = "127.0.0.1/32";

    private final ClusterSettings settings;
    final Progress progress;
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
        List<LocalNode> nodes = prepare();
        if (nodes.stream().allMatch(LocalNode::isRunning)) {
            progress.info("All four nodes already run; nothing to do.");
            progress.info("\n" + statusTable());
            return;
        }
        Secrets secrets = Secrets.loadOrCreate(settings.secretsFile());
        LocalNode first = nodes.get(0);

        progress.step("primary: " + first.address().hostPort());
        boolean existing = first.isInitialized();
        if (!existing) {
            initPrimary(first, secrets);
        }
        // After `down`, every node that exists comes back as it was, whatever role it has by then, except a
        // primary that a failover left behind: started, it would be a second primary.
        List<LocalNode> leftBehind = formerPrimaries(nodes);
        for (LocalNode node : leftBehind) {
            progress.detail(node.name() + " was the primary before a failover; not started. Bring it back with `rejoin "
                    + node.name() + "`.");
        }
        for (LocalNode node : nodes) {
            if (node.isInitialized() && !node.isRunning() && !leftBehind.contains(node)) {
                node.start();
                progress.detail(node.name() + " started (pid " + node.postmasterPid().map(String::valueOf).orElse("?") + ")");
            }
        }
        LocalNode primary = currentPrimary(nodes, secrets)
                .orElseThrow(() -> new ClusterException("No node is a primary (all are standbys or down). See `status`; use `promote`."));

        progress.step("Pagila v" + PagilaFiles.VERSION + " on " + primary.name());
        loadPagilaIfMissing(primary, secrets);

        for (LocalNode standby : nodes) {
            if (standby == primary || standby.isInitialized()) {
                continue;
            }
            progress.step(standby.name() + ": clone from " + primary.name() + " and start streaming");
            createStandby(primary, standby, secrets);
        }
        progress.step("standbys catching up with " + primary.name());
        awaitStandbysCaughtUp(primary, nodes.stream().filter(n -> !leftBehind.contains(n)).toList(), secrets,
                Duration.ofSeconds(120));
        progress.info(String.format("Cluster up in %.1f s%n%n%s", Duration.between(started, Instant.now()).toMillis() / 1000.0,
                statusTable()));
    }

    public void down() {
        for (LocalNode node : prepareQuietly()) {
            if (node.isRunning()) {
                node.stop();
                progress.info(node.name() + " stopped");
            }
        }
    }

    public void destroy() {
        down();
        try {
            PostgresBinaries.deleteTree(settings.clusterDir());
            progress.info("removed " + settings.clusterDir());
        } catch (IOException e) {
            throw new ClusterException("Cannot remove " + settings.clusterDir() + ": " + e.getMessage(), e);
        }
    }

    public void stop(String nodeName) {
        node(nodeName).stop();
        progress.info(nodeName + " stopped");
    }

    public void start(String nodeName) {
        node(nodeName).start();
        progress.info(nodeName + " started");
    }

    /** SIGKILL: the crash a failover demo needs. */
    public void kill(String nodeName) {
        Optional<Long> pid = node(nodeName).kill();
        progress.info(pid.map(p -> nodeName + " killed (SIGKILL to postmaster pid " + p + ")").orElse(nodeName + " was not running"));
    }

    /** SIGSTOP of a node's processes: it accepts connections but never answers (demos of a frozen primary). */
    public void freeze(String nodeName) {
        progress.info(nodeName + " frozen (SIGSTOP to " + node(nodeName).freeze().size() + " processes); `thaw " + nodeName + "` resumes it");
    }

    public void thaw(String nodeName) {
        progress.info(nodeName + " thawed (SIGCONT to " + node(nodeName).thaw().size() + " processes)");
    }

    public List<NodeStatus> status() {
        Secrets secrets = Secrets.load(settings.secretsFile());
        try (ClusterProbe probe = new ClusterProbe(settings.nodes(), "postgres", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER))) {
            return probe.probe();
        }
    }

    public String statusTable() {
        return ClusterProbe.table(status());
    }

    public LocalNode node(String nodeName) {
        return new LocalNode(settings.node(nodeName), settings.clusterDir(), binaries());
    }

    public Secrets secrets() {
        return Secrets.load(settings.secretsFile());
    }

    PostgresBinaries binaries() {
        if (binaries == null) {
            binaries = PostgresBinaries.resolve(settings, progress);
        }
        return binaries;
    }

    /**
     * Nodes configured as primaries (no standby.signal) other than the newest one: a running primary wins,
     * otherwise the one on the highest timeline (promoted last).
     */
    static List<LocalNode> formerPrimaries(List<LocalNode> nodes) {
        List<LocalNode> primaries = nodes.stream().filter(LocalNode::isInitialized).filter(n -> !n.isStandby()).toList();
        if (primaries.size() <= 1) {
            return List.of();
        }
        LocalNode newest = primaries.stream().filter(LocalNode::isRunning).findFirst()
                .orElseGet(() -> primaries.stream().max(java.util.Comparator.comparingInt(LocalNode::timeline)).orElseThrow());
        return primaries.stream().filter(n -> n != newest).toList();
    }

    private List<LocalNode> prepare() {
        progress.step("PostgreSQL binaries");
        try {
            Files.createDirectories(settings.clusterDir());
        } catch (IOException e) {
            throw new ClusterException("Cannot create " + settings.clusterDir() + ": " + e.getMessage(), e);
        }
        ServiceUser.ensureExists(settings.home());
        List<LocalNode> nodes = prepareQuietly();
        progress.detail(binaries().origin() + (ServiceUser.isRoot() ? "; servers run as user '" + ServiceUser.NAME + "'" : ""));
        return nodes;
    }

    List<LocalNode> prepareQuietly() {
        List<LocalNode> nodes = new ArrayList<>();
        for (ClusterSettings.NodeAddress address : settings.nodes()) {
            if (!isLoopback(address.host())) {
                throw new ClusterException("The embedded cluster runs on this machine only; " + address.name()
                        + " is set to " + address.host());
            }
            nodes.add(new LocalNode(address, settings.clusterDir(), binaries()));
        }
        return nodes;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.");
    }

    private void initPrimary(LocalNode primary, Secrets secrets) {
        progress.detail("initdb " + primary.dataDir());
        primary.initdb(secrets.password(Secrets.SUPERUSER));
        primary.writeFile("pagila-cluster.conf", PrimarySetup.serverSettings(primary.address().host()));
        primary.appendFile("postgresql.conf", "\ninclude 'pagila-cluster.conf'\n");
        // WAL archiving from the first start (archive_mode needs a restart to change); standbys get it with the clone
        new org.pagila.cluster.backup.WalArchive(org.pagila.cluster.backup.BackupSettings.fromSystem(settings)).configure(primary);
        primary.writeFile("postgresql.auto.conf", PrimarySetup.nodeSettings(primary.name(), primary.address().port()));
        primary.writeFile("pg_hba.conf", PrimarySetup.hba(LOOPBACK_CIDR));
        primary.start();
        progress.detail("primary started (pid " + primary.postmasterPid().map(String::valueOf).orElse("?") + ")");
        try (Connection c = superuser(primary, secrets, "postgres")) {
            PrimarySetup.createReplicationRole(c, secrets.password(Secrets.REPLICATION_USER));
            progress.detail("role " + Secrets.REPLICATION_USER + " (REPLICATION, scram-sha-256, replication connections only)");
        } catch (SQLException e) {
            throw new ClusterException("Cannot set up roles on the primary: " + e.getMessage(), e);
        }
    }

    private void loadPagilaIfMissing(LocalNode primary, Secrets secrets) {
        PagilaFiles files = new PagilaFiles(settings.pagilaDir(), progress);
        PagilaInstall.ensureLoaded(database -> superuser(primary, secrets, database), files, secrets, progress);
    }

    void createStandby(LocalNode primary, LocalNode standby, Secrets secrets) {
        String slot = StandbyCloner.slotName(standby.name());
        try (Connection c = superuser(primary, secrets, "postgres")) {
            PrimarySetup.createSlot(c, slot);
        } catch (SQLException e) {
            throw new ClusterException("Cannot create slot " + slot + ": " + e.getMessage(), e);
        }
        progress.detail("slot " + slot + " on " + primary.name());
        new StandbyCloner(binaries(), progress).clone(primary, standby, secrets);
        configureAsStandby(standby, primary, secrets);
        standby.start();
        progress.detail(standby.name() + " started as a hot standby (pid "
                + standby.postmasterPid().map(String::valueOf).orElse("?") + ")");
    }

    /** standby.signal plus the node's own settings and its upstream. */
    void configureAsStandby(LocalNode standby, LocalNode upstream, Secrets secrets) {
        standby.writeFile("standby.signal", "");
        standby.writeFile("postgresql.auto.conf", PrimarySetup.nodeSettings(standby.name(), standby.address().port())
                + PrimarySetup.standbySettings(standby.name(), upstream.address().host(), upstream.address().port(),
                secrets.password(Secrets.REPLICATION_USER)));
    }

    /**
     * Waits until every standby streams from the primary, through its slot, and has replayed everything the
     * primary has written so far.
     */
    void awaitStandbysCaughtUp(LocalNode primary, List<LocalNode> nodes, Secrets secrets, Duration timeout) {
        List<String> standbys = nodes.stream().filter(n -> n != primary).map(LocalNode::name).toList();
        Instant deadline = Instant.now().plus(timeout);
        try (Connection c = superuser(primary, secrets, "postgres"); Statement s = c.createStatement()) {
            String target;
            // A WAL record of our own gives a target that replay reaches exactly: its end position. (The
            // insert position may sit past a page header that replay only passes once more WAL arrives.)
            try (ResultSet rs = s.executeQuery("SELECT greatest(pg_logical_emit_message(false, 'pagila-cluster', 'catch-up'),"
                    + " pg_current_wal_flush_lsn())::text")) {
                rs.next();
                target = rs.getString(1);
            }
            List<String> pending = new ArrayList<>(standbys);
            while (!pending.isEmpty()) {
                for (String name : PrimarySetup.streamingStandbys(c, target)) {
                    if (pending.remove(name)) {
                        progress.detail(name + " streaming, slot active, replayed up to " + target);
                    }
                }
                if (pending.isEmpty()) {
                    break;
                }
                if (Instant.now().isAfter(deadline)) {
                    StringBuilder logs = new StringBuilder();
                    for (String name : pending) {
                        logs.append("\n--- ").append(name).append(" log ---\n").append(node(name).tailLog());
                    }
                    throw new ClusterException("Standbys not streaming after " + timeout.toSeconds() + " s: " + pending + logs);
                }
                Thread.sleep(200);
            }
        } catch (SQLException e) {
            throw new ClusterException("Cannot check replication on " + primary.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while waiting for standbys", e);
        }
    }

    Optional<LocalNode> currentPrimary(List<LocalNode> nodes, Secrets secrets) {
        for (LocalNode node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            try (Connection c = superuser(node, secrets, "postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.of(node);
                }
            } catch (SQLException e) {
                // not reachable: not the primary we can use
            }
        }
        return Optional.empty();
    }

    static Connection superuser(LocalNode node, Secrets secrets, String database) throws SQLException {
        return Jdbc.connect(node.address(), database, Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
    }
}
