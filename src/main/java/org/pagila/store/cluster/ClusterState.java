package org.pagila.store.cluster;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.pagila.cluster.probe.ClusterProbe;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.probe.NodeStatus;
import org.postgresql.hostchooser.GlobalHostStatusTracker;
import org.postgresql.hostchooser.HostStatus;
import org.postgresql.util.HostSpec;

/**
 * The store's one view of the cluster: every node's role, position and lag, polled on a short interval, and
 * the mode the store derives from it. Everything that depends on the cluster asks here.
 */
@ApplicationScoped
@Named("clusterState")
public class ClusterState {
    private static final Logger LOG = Logger.getLogger(ClusterState.class);

    public enum Mode {
        /** a primary takes writes */
        READ_WRITE,
        /** no primary is reachable but some standby is: the catalog works, rentals wait */
        READ_ONLY,
        /** no node answers */
        UNAVAILABLE
    }

    /** primary: the node writes go to (with two primaries, the one on the highest timeline). */
    public record View(Mode mode, Optional<String> primary, List<NodeStatus> nodes, List<String> staleStandbys,
                       List<String> olderPrimaries, Optional<String> conflict, Instant checkedAt) {

        /** Reads avoid stale standbys and primaries left behind on an older timeline. */
        public boolean servesReads(NodeStatus node) {
            return node.isUp() && !staleStandbys.contains(node.name()) && !olderPrimaries.contains(node.name());
        }
    }

    @Inject
    ClusterSettings settings;

    /** Its own login (pg_monitor): the store's role pagila_app has no monitoring rights. */
    @Inject
    ClusterCredentials.Monitor login;

    @Inject
    AgroalDataSource primaryPool;

    @Inject
    @DataSource("standby")
    AgroalDataSource readPool;

    @ConfigProperty(name = "pagila.cluster.poll-interval", defaultValue = "1s")
    Duration pollInterval;

    /**
     * While no primary takes writes the store looks more often: the cluster is changing (a failover is under way) and
     * every poll skipped is time rentals stay paused after the new primary is ready. Only the timing changes; the
     * decision and the fencing are the same on every poll.
     */
    @ConfigProperty(name = "pagila.cluster.poll-interval-without-primary", defaultValue = "200ms")
    Duration pollIntervalWithoutPrimary;

    @ConfigProperty(name = "pagila.cluster.max-read-lag", defaultValue = "30s")
    Duration maxReadLag;

    private volatile View view = new View(Mode.READ_WRITE, Optional.empty(), List.of(), List.of(), List.of(),
            Optional.empty(), Instant.EPOCH);
    private ClusterProbe probe;
    private ScheduledExecutorService poller;

    /** After the embedded cluster is up (its starter runs first). */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 100) StartupEvent event) {
        var credentials = login.getCredentials("monitor");
        probe = new ClusterProbe(settings.nodes(), "pagila", credentials.get("user"), credentials.get("password"),
                Duration.ofSeconds(1));
        refresh();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "cluster-state");
            thread.setDaemon(true);
            return thread;
        });
        scheduleNextPoll();
    }

    private void scheduleNextPoll() {
        Duration next = view.mode() == Mode.READ_WRITE ? pollInterval
                : pollIntervalWithoutPrimary.compareTo(pollInterval) < 0 ? pollIntervalWithoutPrimary : pollInterval;
        try {
            poller.schedule(() -> {
                refreshQuietly();
                scheduleNextPoll();
            }, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
        if (probe != null) {
            probe.close();
        }
    }

    public View view() {
        return view;
    }

    /** host:port of the standbys that serve reads now (up, not too far behind), in the configured order. */
    public List<String> servingStandbys() {
        View current = view;
        return current.nodes().stream()
                .filter(n -> n.role() == NodeStatus.Role.STANDBY && !current.staleStandbys().contains(n.name()))
                .map(n -> n.host() + ":" + n.port()).toList();
    }

    public boolean isWritable() {
        return view.mode() == Mode.READ_WRITE;
    }

    /** For the banner: rentals are paused, browsing works. */
    public boolean isReadOnly() {
        return view.mode() == Mode.READ_ONLY;
    }

    /** For the banner: more than one node accepts writes (split brain), and what the store does about it. */
    public String getConflict() {
        return view.conflict().orElse(null);
    }

    /** False only before the first poll, at startup. */
    public boolean hasLooked() {
        return !view.checkedAt().equals(Instant.EPOCH);
    }

    /** Whether a new write connection reached the node writes may go to now (WriteFence). */
    public boolean isWriteNode(String node) {
        return view.primary().map(node::equals).orElse(false);
    }

    /**
     * A write just failed for want of a primary: drop pooled connections to it and look again now. Done on the
     * poller's thread: closing a connection that a frozen server holds can block, never a request.
     */
    public void primaryLost() {
        if (poller != null) {
            poller.execute(() -> {
                dropPrimaryConnections();
                refreshQuietly();
            });
        }
    }

    /**
     * A read lost its connection: a standby restarted, perhaps between two polls, so the poller never saw it down.
     * The pool drops the dead connection, but its replacements alone would never reach the restarted node again;
     * recycling the read pool (on the poller's thread, like primaryLost) lets the rotation include it once more.
     */
    public void readConnectionLost() {
        if (poller != null) {
            poller.execute(() -> readPool.flush(AgroalDataSource.FlushMode.GRACEFUL));
        }
    }

    /**
     * The driver never re-routes a pooled connection: idle ones to the old primary go now, busy ones when they are
     * returned, so no request gets one again. (Closing busy ones by force would wait on their stuck socket reads.)
     */
    private void dropPrimaryConnections() {
        primaryPool.flush(AgroalDataSource.FlushMode.GRACEFUL);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf("Cluster poll failed: %s", e.getMessage());
        }
    }

    synchronized void refresh() {
        List<NodeStatus> nodes = probe.probe();
        ClusterDecision.Decision decision = ClusterDecision.decide(nodes, maxReadLag);
        Optional<String> primary = decision.writeNode();
        Mode mode = decision.mode();
        List<String> stale = decision.staleStandbys();
        View previous = view;
        view = new View(mode, primary, nodes, stale, decision.olderPrimaries(), decision.conflict(), Instant.now());
        boolean first = previous.checkedAt().equals(Instant.EPOCH);
        if (!decision.conflict().equals(previous.conflict())) {
            decision.conflict().ifPresentOrElse(c -> LOG.errorf("Split brain: %s", c),
                    () -> LOG.infof("Split brain over: one primary again"));
        }
        // Before the pool is flushed: the driver must open new write connections on the chosen primary only.
        steerWrites(primary, decision.olderPrimaries());
        if (!previous.primary().equals(primary) && !first) {
            dropPrimaryConnections();
            LOG.infof("Primary changed: %s -> %s", previous.primary().orElse("none"), primary.orElse("none"));
        }
        if (previous.mode() != mode) {
            LOG.infof("Store mode %s -> %s", previous.mode(), mode);
        }
        boolean rolesChanged = !roles(nodes).equals(roles(previous.nodes())) && !first;
        if (!stale.equals(previous.staleStandbys())) {
            LOG.infof("Standbys lagging more than %s, kept out of the read pool: %s", maxReadLag, stale);
        }
        avoid(stale);
        avoid(nodes.stream().filter(n -> !n.isUp()).map(NodeStatus::name).toList());
        welcomeServingStandbys(nodes, stale);
        // The first view too: the read pool's connections opened before it (min-size, at start) went to standbys
        // chosen by PgJDBC at random; now the rotation can place them one standby after the other.
        if (first || rolesChanged || !stale.equals(previous.staleStandbys()) || !decision.olderPrimaries().equals(previous.olderPrimaries())) {
            // A node that died, froze or became the primary keeps its pooled read connections otherwise; after the
            // tracker is told (above), so the new connections see every standby that serves again.
            readPool.flush(AgroalDataSource.FlushMode.GRACEFUL);
        }
        if (primary.isPresent() && !previous.primary().equals(primary) && !first) {
            warmPools();
        }
    }

    /**
     * A new primary finds both pools emptied: the first rental after a failover would open its connections itself
     * (TCP, SCRAM, the fence's check), a few hundred milliseconds on a busy machine. One connection per pool opened
     * now, beside the poller, spares it that; it goes through the same WriteFence, so it can only reach the chosen node.
     */
    private void warmPools() {
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (AgroalDataSource pool : List.of(primaryPool, readPool)) {
                try (java.sql.Connection ignored = pool.getConnection()) {
                    // opened and returned idle to the pool
                } catch (java.sql.SQLException | RuntimeException e) {
                    LOG.debugf("Warming a pool after the primary changed: %s", e.getMessage());
                }
            }
        });
    }

    /**
     * The driver marks a host it failed to reach as unreachable for hostRecheckSeconds, and the probe's own avoid()
     * does the same for a node it saw down. A standby back within that window would be skipped by every new read
     * connection, and once the pool is full of connections to the others it would never get one: the probe just
     * reached it, so the tracker hears that it serves.
     */
    private void welcomeServingStandbys(List<NodeStatus> nodes, List<String> stale) {
        nodes.stream().filter(n -> n.role() == NodeStatus.Role.STANDBY && !stale.contains(n.name()))
                .forEach(n -> GlobalHostStatusTracker.reportHostStatus(new HostSpec(n.host(), n.port()), HostStatus.Secondary));
    }

    /**
     * The write pool's URL lists every node with targetServerType=primary, and the driver takes the first host that
     * accepts writes, in list order: with two primaries that may be the old one. The driver consults its global
     * host tracker before it tries hosts, so the chosen primary is reported as the primary and the older ones as
     * unreachable, on every poll (the tracker forgets after hostRecheckSeconds). WriteFence checks each new
     * connection as well, so a write can never land on an older timeline.
     */
    private void steerWrites(Optional<String> writeNode, List<String> olderPrimaries) {
        writeNode.ifPresent(name -> {
            ClusterSettings.NodeAddress node = settings.node(name);
            GlobalHostStatusTracker.reportHostStatus(new HostSpec(node.host(), node.port()), HostStatus.Primary);
        });
        avoid(olderPrimaries);
    }

    private static java.util.Map<String, NodeStatus.Role> roles(List<NodeStatus> nodes) {
        java.util.Map<String, NodeStatus.Role> roles = new java.util.HashMap<>();
        nodes.forEach(n -> roles.put(n.name(), n.role()));
        return roles;
    }

    /** The driver skips hosts it believes unreachable (for its recheck interval) when it opens a new connection. */
    private void avoid(List<String> stale) {
        for (String name : stale) {
            ClusterSettings.NodeAddress node = settings.node(name);
            GlobalHostStatusTracker.reportHostStatus(new HostSpec(node.host(), node.port()), HostStatus.ConnectFail);
        }
    }
}
