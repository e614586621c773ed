package org.pagila.store.dashboard;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.ClusterCredentials;
import org.pagila.store.cluster.ClusterState;
import org.pagila.store.cluster.ReadRouting;

/**
 * Follows the store's view of the cluster and, each time it changes, derives events, updates the metrics and the
 * trends, and pushes a snapshot to every open /cluster page. It looks at the view every 100 ms, so a change the
 * store noticed reaches the page within that; the timeline/LSN/slot details are probed on their own thread at
 * the store's poll interval, so a frozen node never delays a push.
 */
@ApplicationScoped
public class ClusterWatch {
    private static final Logger LOG = Logger.getLogger(ClusterWatch.class);
    private static final int EVENTS_SHOWN = 40;

    @Inject
    ClusterState state;

    @Inject
    ReadRouting routing;

    @Inject
    ClusterSettings settings;

    /** Its own login (pg_monitor): the store's role pagila_app has no monitoring rights. */
    @Inject
    ClusterCredentials.Monitor login;

    @Inject
    ClusterEvents events;

    @Inject
    StoreMetrics metrics;

    @ConfigProperty(name = "pagila.cluster.poll-interval", defaultValue = "1s")
    Duration pollInterval;

    /** How much history the sparklines show. */
    @ConfigProperty(name = "pagila.dashboard.trend", defaultValue = "5m")
    Duration trendLength;

    private final EventDetector detector = new EventDetector();
    private final BroadcastProcessor<Snapshot> pushes = BroadcastProcessor.create();
    private final Map<String, Long> readsAtLastSample = new HashMap<>();
    private NodeTrends trends;
    private ReplicationDetails probe;
    private volatile ReplicationDetails.Details details = ReplicationDetails.Details.NONE;
    private volatile Snapshot latest;
    private Instant lastSeen = Instant.EPOCH;
    private long lastSampleAt;
    private ScheduledExecutorService timer;

    /** After the store's own view has started. */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 200) StartupEvent event) {
        trends = new NodeTrends((int) Math.max(10, trendLength.toMillis() / Math.max(100, pollInterval.toMillis())));
        var credentials = login.getCredentials("monitor");
        probe = new ReplicationDetails(settings.nodes(), credentials.get("user"), credentials.get("password"), Duration.ofSeconds(1));
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread thread = new Thread(r, "cluster-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::probeDetails, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::look, 0, 100, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (probe != null) {
            probe.close();
        }
        pushes.onComplete();
    }

    /** The latest snapshot first, then one per change. */
    public Multi<Snapshot> snapshots() {
        Snapshot now = latest;
        return now == null ? pushes : Multi.createBy().concatenating().streams(Multi.createFrom().item(now), pushes);
    }

    public Snapshot latest() {
        return latest;
    }

    private void probeDetails() {
        try {
            details = probe.probe();
        } catch (RuntimeException e) {
            LOG.debugf("Dashboard probe failed: %s", e.getMessage());
        }
    }

    private void look() {
        try {
            ClusterState.View view = state.view();
            if (view.checkedAt().equals(lastSeen) || view.checkedAt().equals(Instant.EPOCH)) {
                return;
            }
            lastSeen = view.checkedAt();
            for (ClusterEvent event : detector.next(view)) {
                events.publish(event);
                if (event.type() == ClusterEvent.Type.PROMOTED) {
                    metrics.failoverSeen();
                }
            }
            ReplicationDetails.Details known = details;
            metrics.update(view, known);
            latest = snapshot(view, known);
            pushes.onNext(latest);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Dashboard update failed");
        }
    }

    private Snapshot snapshot(ClusterState.View view, ReplicationDetails.Details known) {
        long now = view.checkedAt().toEpochMilli();
        double elapsed = lastSampleAt == 0 ? 0 : (now - lastSampleAt) / 1000.0;
        lastSampleAt = now;
        List<Snapshot.Card> cards = view.nodes().stream().map(node -> {
            long reads = metrics.reads(node.name());
            Long before = readsAtLastSample.put(node.name(), reads);
            double perSecond = before == null || elapsed <= 0 ? 0 : (reads - before) / elapsed;
            trends.add(node.name(), now, node.lagBytes().orElse(null), node.lagSeconds().orElse(null), perSecond);
            return card(view, known, node, perSecond);
        }).toList();
        List<ClusterEvent> recent = events.recent();
        List<Snapshot.Line> lines = recent.subList(Math.max(0, recent.size() - EVENTS_SHOWN), recent.size()).stream()
                .map(e -> new Snapshot.Line(e.at().toEpochMilli(), e.type().name(), e.node(), e.message())).toList();
        return new Snapshot(view.mode().name(), view.primary().orElse(null), routing.reading().spelled(), now, cards, lines);
    }

    private Snapshot.Card card(ClusterState.View view, ReplicationDetails.Details known, NodeStatus node, double readsPerSecond) {
        ReplicationDetails.Node more = node.isUp() ? known.node(node.name()) : ReplicationDetails.Node.UNKNOWN;
        ReplicationDetails.Slot slot = node.role() == NodeStatus.Role.STANDBY ? known.slots().get(node.name() + "_slot") : null;
        return new Snapshot.Card(node.name(), node.host() + ":" + node.port(), node.role().name().toLowerCase(),
                state(view, node), more.timeline().orElse(null), more.receivedLsn().orElse(null),
                more.replayedLsn().or(node::lsn).orElse(null), node.lagBytes().orElse(null), node.lagSeconds().orElse(null),
                slot == null ? node.slot().orElse(null) : slot.name(),
                slot == null ? node.slotActive().orElse(null) : Boolean.valueOf(slot.active()),
                slot == null ? null : slot.retainedBytes().orElse(null), readsPerSecond,
                view.servesReads(node), node.upstream().orElse(null), trends.of(node.name()));
    }

    /** A word or two a class can read from the back of the room. */
    static String state(ClusterState.View view, NodeStatus node) {
        return switch (node.role()) {
            case PRIMARY -> "accepting writes";
            case DOWN -> "down" + node.error().map(e -> e.contains("timed out") || e.contains("timeout") ? " (not answering)" : "").orElse("");
            case STANDBY -> view.staleStandbys().contains(node.name()) ? "lagging: out of the read pool"
                    : EventDetector.streams(node) ? "streaming"
                    : node.upstream().map(u -> u.replaceFirst("^.*\\((.*)\\)$", "$1")).orElse("no upstream: replaying what it has");
        };
    }
}
