package org.pagila.store.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.ClusterState;

/**
 * The cluster as Prometheus sees it at /q/metrics, every name prefixed pagila_: node roles and up/down, replication
 * lag, slots and their retained WAL, the store's mode, reads per node, writes refused while read-only, failovers,
 * and (when the backup feature provides {@link BackupFigures}) backup and archiving times.
 */
@ApplicationScoped
public class StoreMetrics {
    private static final List<String> ROLES = List.of("primary", "standby", "down");

    @Inject
    MeterRegistry registry;

    @Inject
    ClusterSettings settings;

    @Inject
    Instance<BackupFigures> backups;

    private volatile ClusterState.View view;
    private volatile ReplicationDetails.Details details = ReplicationDetails.Details.NONE;
    private final Map<String, AtomicLong> readsByNode = new ConcurrentHashMap<>();
    private Counter writesRefused;
    private Counter failovers;
    private MultiGauge lagBytes;
    private MultiGauge lagSeconds;
    private MultiGauge timelines;
    private MultiGauge slotRetained;
    private MultiGauge slotActive;

    /** Before the dashboard's watch starts feeding it. */
    void register(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 150) StartupEvent event) {
        for (String node : ClusterSettings.NODE_NAMES) {
            Gauge.builder("pagila.node.up", () -> role(node).map(r -> r != NodeStatus.Role.DOWN ? 1 : 0).orElse(0))
                    .tag("node", node).description("1 while the node answers, 0 when it is down or frozen").register(registry);
            for (String role : ROLES) {
                Gauge.builder("pagila.node.role", () -> role(node).map(r -> r.name().equalsIgnoreCase(role) ? 1 : 0).orElse(0))
                        .tags("node", node, "role", role).description("1 for the node's current role").register(registry);
            }
            FunctionCounter.builder("pagila.reads", readsOf(node), AtomicLong::doubleValue).tag("node", node)
                    .description("requests whose reads this node served (X-Served-By)").register(registry);
        }
        for (ClusterState.Mode mode : ClusterState.Mode.values()) {
            Gauge.builder("pagila.store.mode", () -> view != null && view.mode() == mode ? 1 : 0).tag("mode", mode.name())
                    .description("1 for the store's current mode").register(registry);
        }
        Gauge.builder("pagila.slot.wal.limit.bytes", () -> details.slotLimitBytes())
                .description("max_slot_wal_keep_size of the primary in bytes (-1: unlimited)").register(registry);
        writesRefused = Counter.builder("pagila.writes.refused").description("writes answered 503 because no primary could take them")
                .register(registry);
        failovers = Counter.builder("pagila.failovers").description("promotions of a new primary the store has seen").register(registry);
        lagBytes = MultiGauge.builder("pagila.replication.lag.bytes").description("WAL bytes a standby is behind the primary")
                .register(registry);
        lagSeconds = MultiGauge.builder("pagila.replication.lag.seconds").description("seconds a standby's replay is behind")
                .register(registry);
        timelines = MultiGauge.builder("pagila.node.timeline").description("the node's WAL timeline").register(registry);
        slotRetained = MultiGauge.builder("pagila.slot.retained.wal.bytes")
                .description("WAL the primary keeps for a standby's replication slot").register(registry);
        slotActive = MultiGauge.builder("pagila.slot.active").description("1 while a standby streams through its slot")
                .register(registry);
        if (backups.isResolvable()) {
            BackupFigures figures = backups.get();
            Gauge.builder("pagila.backup.last.success.timestamp.seconds", () -> figures.lastBackup().map(StoreMetrics::epoch).orElse(Double.NaN))
                    .description("when the newest base backup completed").register(registry);
            Gauge.builder("pagila.wal.last.archived.timestamp.seconds", () -> figures.lastArchivedWal().map(StoreMetrics::epoch).orElse(Double.NaN))
                    .description("when the newest WAL segment was archived").register(registry);
            FunctionCounter.builder("pagila.wal.archive.failures", figures, BackupFigures::failedArchives)
                    .description("WAL segments that failed to archive").register(registry);
        }
    }

    /** Called on each poll with the store's view and the details the dashboard probed. */
    void update(ClusterState.View view, ReplicationDetails.Details details) {
        this.view = view;
        this.details = details;
        List<MultiGauge.Row<?>> bytes = new ArrayList<>();
        List<MultiGauge.Row<?>> seconds = new ArrayList<>();
        List<MultiGauge.Row<?>> lines = new ArrayList<>();
        for (NodeStatus node : view.nodes()) {
            if (node.role() == NodeStatus.Role.STANDBY) {
                node.lagBytes().ifPresent(v -> bytes.add(MultiGauge.Row.of(Tags.of("node", node.name()), v)));
                node.lagSeconds().ifPresent(v -> seconds.add(MultiGauge.Row.of(Tags.of("node", node.name()), v)));
            }
            if (node.isUp()) {
                details.node(node.name()).timeline().ifPresent(t -> lines.add(MultiGauge.Row.of(Tags.of("node", node.name()), t)));
            }
        }
        lagBytes.register(bytes, true);
        lagSeconds.register(seconds, true);
        timelines.register(lines, true);
        List<MultiGauge.Row<?>> retained = new ArrayList<>();
        List<MultiGauge.Row<?>> active = new ArrayList<>();
        details.slots().values().forEach(slot -> {
            Tags tags = Tags.of("slot", slot.name(), "node", slot.name().replaceFirst("_slot$", ""));
            slot.retainedBytes().ifPresent(v -> retained.add(MultiGauge.Row.of(tags, v)));
            active.add(MultiGauge.Row.of(tags, slot.active() ? 1 : 0));
        });
        slotRetained.register(retained, true);
        slotActive.register(active, true);
    }

    void readServed(String node) {
        readsOf(node).incrementAndGet();
    }

    long reads(String node) {
        return readsOf(node).get();
    }

    void writeRefused() {
        writesRefused.increment();
    }

    void failoverSeen() {
        failovers.increment();
    }

    private AtomicLong readsOf(String node) {
        return readsByNode.computeIfAbsent(node, n -> new AtomicLong());
    }

    private java.util.Optional<NodeStatus.Role> role(String node) {
        ClusterState.View current = view;
        return current == null ? java.util.Optional.empty()
                : current.nodes().stream().filter(n -> n.name().equals(node)).map(NodeStatus::role).findFirst();
    }

    private static double epoch(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
