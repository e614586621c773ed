package org.pagila.cluster.probe;

import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.Roles;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks every node, all at once, for its role and WAL position, and the primary for its replication slots and
 * per-standby replay lag. One probe serves the cluster command's status table and the store's view of the
 * cluster. The user needs pg_monitor to see other sessions' replication rows.
 *
 * <p>A probe keeps one connection per node between calls ({@link KeptConnections}): the store asks every second
 * (five times a second while there is no primary).
 */
public final class ClusterProbe implements AutoCloseable {
    private final List<ClusterSettings.NodeAddress> nodes;
    private final ExecutorService executor;
    private final KeptConnections connections;

    public ClusterProbe(List<ClusterSettings.NodeAddress> nodes, String database, String user, String password) {
        this(nodes, database, user, password, Duration.ofSeconds(3));
    }

    /** A dead node answers within connect timeout; a frozen one within about twice the timeout. */
    public ClusterProbe(List<ClusterSettings.NodeAddress> nodes, String database, String user, String password, Duration timeout) {
        this.nodes = nodes;
        this.connections = new KeptConnections(database, user, password, timeout);
        this.executor = Executors.newFixedThreadPool(nodes.size(), runnable -> {
            Thread thread = new Thread(runnable, "cluster-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    private record Answer(ClusterSettings.NodeAddress node, boolean inRecovery, String lsn, Optional<String> upstream,
                          Optional<Double> lastReplayEpoch, Map<String, Double> replayLag, Map<String, Boolean> slots,
                          String error, Optional<Long> timeline) {
    }

    /** One call at a time: each node's kept connection serves one question at once. */
    public synchronized List<NodeStatus> probe() {
        List<CompletableFuture<Answer>> futures = nodes.stream()
                .map(node -> CompletableFuture.supplyAsync(() -> ask(node), executor)).toList();
        List<Answer> answers = futures.stream().map(CompletableFuture::join).toList();
        Answer primary = answers.stream().filter(a -> a.error() == null && !a.inRecovery()).findFirst().orElse(null);
        List<NodeStatus> result = new ArrayList<>();
        for (Answer a : answers) {
            ClusterSettings.NodeAddress node = a.node();
            if (a.error() != null) {
                result.add(NodeStatus.down(node, a.error()));
            } else if (!a.inRecovery()) {
                result.add(new NodeStatus(node.name(), node.host(), node.port(), NodeStatus.Role.PRIMARY, Optional.ofNullable(a.lsn()),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        a.timeline()));
            } else {
                result.add(standby(a, primary, answers));
            }
        }
        return result;
    }

    /**
     * Lag of a standby. With a primary: bytes behind its current WAL position and the primary's replay_lag
     * (or, for a standby cut off from it, the time since it last replayed anything). Without a primary the
     * freshest standby is the reference: bytes behind its position and the age of the last replayed
     * transaction compared with its own.
     */
    private static NodeStatus standby(Answer a, Answer primary, List<Answer> answers) {
        ClusterSettings.NodeAddress node = a.node();
        String slot = Roles.slotName(node.name());
        Optional<Long> lagBytes = Optional.empty();
        Optional<Double> lagSeconds = Optional.empty();
        Optional<Boolean> slotActive = Optional.empty();
        if (a.lsn() != null) {
            long reference = primary != null && primary.lsn() != null ? NodeStatus.lsnToBytes(primary.lsn())
                    : answers.stream().filter(o -> o.error() == null && o.lsn() != null)
                            .mapToLong(o -> NodeStatus.lsnToBytes(o.lsn())).max().orElse(0);
            lagBytes = Optional.of(Math.max(0, reference - NodeStatus.lsnToBytes(a.lsn())));
        }
        boolean behind = lagBytes.orElse(0L) > 0;
        if (primary != null) {
            slotActive = Optional.ofNullable(primary.slots().get(slot));
            if (primary.replayLag().containsKey(node.name())) {
                lagSeconds = Optional.of(primary.replayLag().get(node.name()));
            } else if (!behind) {
                lagSeconds = Optional.of(0.0);
            } else {
                lagSeconds = a.lastReplayEpoch().map(t -> Math.max(0, System.currentTimeMillis() / 1000.0 - t));
            }
        } else if (!behind) {
            lagSeconds = Optional.of(0.0);
        } else {
            double freshest = answers.stream().map(Answer::lastReplayEpoch).flatMap(Optional::stream)
                    .mapToDouble(Double::doubleValue).max().orElse(0);
            lagSeconds = a.lastReplayEpoch().map(t -> Math.max(0, freshest - t));
        }
        return new NodeStatus(node.name(), node.host(), node.port(), NodeStatus.Role.STANDBY, Optional.ofNullable(a.lsn()),
                lagBytes, lagSeconds, a.upstream(), slotActive.map(active -> slot), slotActive, Optional.empty(), Optional.empty());
    }

    private Answer ask(ClusterSettings.NodeAddress node) {
        try {
            return connections.ask(node, connection -> query(node, connection));
        } catch (SQLException e) {
            return failed(node, e);
        }
    }

    private static Answer failed(ClusterSettings.NodeAddress node, SQLException e) {
        return new Answer(node, false, null, Optional.empty(), Optional.empty(), Map.of(), Map.of(),
                e.getMessage() == null ? e.toString() : e.getMessage(), Optional.empty());
    }

    private static Answer query(ClusterSettings.NodeAddress node, Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            boolean inRecovery;
            String lsn;
            Optional<Double> lastReplay = Optional.empty();
            Optional<Long> timeline;
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() "
                    + "THEN pg_last_wal_replay_lsn()::text ELSE pg_current_wal_lsn()::text END, "
                    + "EXTRACT(epoch FROM pg_last_xact_replay_timestamp())::float8, "
                    + "CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END")) {
                rs.next();
                inRecovery = rs.getBoolean(1);
                lsn = rs.getString(2);
                double replayedAt = rs.getDouble(3);
                if (!rs.wasNull()) {
                    lastReplay = Optional.of(replayedAt);
                }
                // a WAL file name starts with its timeline, 8 hex digits: the promoted primary's is the higher one
                timeline = Optional.ofNullable(rs.getString(4)).map(name -> Long.parseLong(name.substring(0, 8), 16));
            }
            Optional<String> upstream = Optional.empty();
            Map<String, Double> replayLag = new HashMap<>();
            Map<String, Boolean> slots = new HashMap<>();
            if (inRecovery) {
                try (ResultSet wr = s.executeQuery("SELECT sender_host, sender_port, status FROM pg_stat_wal_receiver")) {
                    if (wr.next()) {
                        upstream = Optional.of(wr.getString(1) + ":" + wr.getInt(2) + " (" + wr.getString(3) + ")");
                    }
                }
            } else {
                try (ResultSet rs = s.executeQuery("SELECT application_name, "
                        + "coalesce(EXTRACT(epoch FROM replay_lag)::float8, 0) FROM pg_stat_replication")) {
                    while (rs.next()) {
                        replayLag.put(rs.getString(1), rs.getDouble(2));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT slot_name, active FROM pg_replication_slots WHERE slot_type = 'physical'")) {
                    while (rs.next()) {
                        slots.put(rs.getString(1), rs.getBoolean(2));
                    }
                }
            }
            return new Answer(node, inRecovery, lsn, upstream, lastReplay, replayLag, slots, null, timeline);
        }
    }

    @Override
    public synchronized void close() {
        executor.shutdownNow();
        connections.close();
    }

    /** A fixed-width table for the console. */
    public static String table(List<NodeStatus> statuses) {
        StringBuilder out = new StringBuilder();
        String format = "%-8s %-8s %-16s %-12s %10s %7s  %-13s %-6s %s%n";
        out.append(String.format(format, "NODE", "ROLE", "ADDRESS", "LSN", "LAG_BYTES", "LAG_S", "SLOT", "ACTIVE", "UPSTREAM"));
        for (NodeStatus n : statuses) {
            out.append(String.format(format, n.name(), n.role().name().toLowerCase(), n.host() + ":" + n.port(),
                    n.lsn().orElse("-"), n.lagBytes().map(String::valueOf).orElse("-"),
                    n.lagSeconds().map(v -> String.format("%.1f", v)).orElse("-"), n.slot().orElse("-"),
                    n.slotActive().map(a -> a ? "yes" : "NO").orElse("-"),
                    n.role() == NodeStatus.Role.DOWN ? "down: " + firstLine(n.error().orElse("")) : n.upstream().orElse("-")));
        }
        return out.toString();
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() > 60 ? line.substring(0, 60) + "…" : line;
    }
}
