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
import org.pagila.cluster.ClusterProbe;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.NodeStatus;
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

    public record View(Mode mode, Optional<String> primary, List<NodeStatus> nodes, List<String> staleStandbys,
                       Instant checkedAt) {
    }

    @Inject
    ClusterSettings settings;

    @Inject
    ClusterCredentials.Store login;

    @Inject
    AgroalDataSource primaryPool;

    @Inject
    @DataSource("standby")
    AgroalDataSource readPool;

    @ConfigProperty(name = "pagila.cluster.poll-interval", defaultValue = "1s")
    Duration pollInterval;

    @ConfigProperty(name = "pagila.cluster.max-read-lag", defaultValue = "30s")
    Duration maxReadLag;

    private volatile View view = new View(Mode.READ_WRITE, Optional.empty(), List.of(), List.of(), Instant.EPOCH);
    private ClusterProbe probe;
    private ScheduledExecutorService poller;

    /** After the embedded cluster is up (its starter runs first). */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 100) StartupEvent event) {
        var credentials = login.getCredentials("store");
        probe = new ClusterProbe(settings.nodes(), "pagila", credentials.get("user"), credentials.get("password"),
                Duration.ofSeconds(1));
        refresh();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "cluster-state");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::refreshQuietly, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
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
        Optional<String> primary = nodes.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).map(NodeStatus::name).findFirst();
        Mode mode = primary.isPresent() ? Mode.READ_WRITE
                : nodes.stream().anyMatch(NodeStatus::isUp) ? Mode.READ_ONLY : Mode.UNAVAILABLE;
        List<String> stale = staleStandbys(nodes);
        View previous = view;
        view = new View(mode, primary, nodes, stale, Instant.now());
        if (!previous.primary().equals(primary) && !previous.checkedAt().equals(Instant.EPOCH)) {
            dropPrimaryConnections();
            LOG.infof("Primary changed: %s -> %s", previous.primary().orElse("none"), primary.orElse("none"));
        }
        if (previous.mode() != mode) {
            LOG.infof("Store mode %s -> %s", previous.mode(), mode);
        }
        boolean rolesChanged = !roles(nodes).equals(roles(previous.nodes())) && !previous.checkedAt().equals(Instant.EPOCH);
        if (!stale.equals(previous.staleStandbys())) {
            LOG.infof("Standbys lagging more than %s, kept out of the read pool: %s", maxReadLag, stale);
        }
        if (rolesChanged || !stale.equals(previous.staleStandbys())) {
            // A node that died, froze or became the primary keeps its pooled read connections otherwise.
            readPool.flush(AgroalDataSource.FlushMode.GRACEFUL);
        }
        avoid(stale);
        avoid(nodes.stream().filter(n -> !n.isUp()).map(NodeStatus::name).toList());
    }

    private static java.util.Map<String, NodeStatus.Role> roles(List<NodeStatus> nodes) {
        java.util.Map<String, NodeStatus.Role> roles = new java.util.HashMap<>();
        nodes.forEach(n -> roles.put(n.name(), n.role()));
        return roles;
    }

    /** Standbys too far behind, but only while some fresher node could serve the reads instead. */
    private List<String> staleStandbys(List<NodeStatus> nodes) {
        List<String> stale = nodes.stream()
                .filter(n -> n.role() == NodeStatus.Role.STANDBY)
                .filter(n -> n.lagSeconds().map(s -> s > maxReadLag.toSeconds()).orElse(false))
                .map(NodeStatus::name).toList();
        boolean fresherAvailable = nodes.stream().anyMatch(n -> n.isUp() && !stale.contains(n.name()));
        return fresherAvailable ? stale : List.of();
    }

    /** The driver skips hosts it believes unreachable (for its recheck interval) when it opens a new connection. */
    private void avoid(List<String> stale) {
        for (String name : stale) {
            ClusterSettings.NodeAddress node = settings.node(name);
            GlobalHostStatusTracker.reportHostStatus(new HostSpec(node.host(), node.port()), HostStatus.ConnectFail);
        }
    }
}
