package org.pagila.cluster;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks every node for its role and WAL position, and the primary for its replication slots and per-standby
 * replay lag. One probe serves the cluster command's status table and the store's view of the cluster.
 * The user needs pg_monitor to see other sessions' replication rows.
 */
public final class ClusterProbe {
    private final List<ClusterSettings.NodeAddress> nodes;
    private final String database;
    private final String user;
    private final String password;

    public ClusterProbe(List<ClusterSettings.NodeAddress> nodes, String database, String user, String password) {
        this.nodes = nodes;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    private record Raw(ClusterSettings.NodeAddress node, boolean inRecovery, String lsn, Optional<String> upstream) {
    }

    private record Replica(String replayLsn, Double replayLagSeconds) {
    }

    private record Slot(boolean active) {
    }

    public List<NodeStatus> probe() {
        List<Raw> raws = new ArrayList<>();
        Map<String, String> errors = new HashMap<>();
        Map<String, Replica> replicas = new HashMap<>();
        Map<String, Slot> slots = new HashMap<>();
        String primaryLsn = null;
        for (ClusterSettings.NodeAddress node : nodes) {
            try (Connection c = Jdbc.connect(node, database, user, password); Statement s = c.createStatement()) {
                s.setQueryTimeout(3);
                boolean inRecovery;
                String lsn;
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() "
                        + "THEN pg_last_wal_replay_lsn()::text ELSE pg_current_wal_lsn()::text END")) {
                    rs.next();
                    inRecovery = rs.getBoolean(1);
                    lsn = rs.getString(2);
                }
                Optional<String> upstream = Optional.empty();
                if (inRecovery) {
                    try (ResultSet wr = s.executeQuery("SELECT sender_host, sender_port, status FROM pg_stat_wal_receiver")) {
                        if (wr.next()) {
                            upstream = Optional.of(wr.getString(1) + ":" + wr.getInt(2) + " (" + wr.getString(3) + ")");
                        }
                    }
                } else if (primaryLsn == null) {
                    primaryLsn = lsn;
                    readPrimaryViews(s, replicas, slots);
                }
                raws.add(new Raw(node, inRecovery, lsn, upstream));
            } catch (SQLException e) {
                errors.put(node.name(), e.getMessage());
                raws.add(new Raw(node, false, null, Optional.empty()));
            }
        }
        List<NodeStatus> result = new ArrayList<>();
        for (Raw raw : raws) {
            if (errors.containsKey(raw.node().name())) {
                result.add(NodeStatus.down(raw.node(), errors.get(raw.node().name())));
                continue;
            }
            if (!raw.inRecovery()) {
                result.add(new NodeStatus(raw.node().name(), raw.node().host(), raw.node().port(), NodeStatus.Role.PRIMARY,
                        Optional.ofNullable(raw.lsn()), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()));
                continue;
            }
            String name = raw.node().name();
            Optional<Long> lagBytes = Optional.empty();
            if (primaryLsn != null && raw.lsn() != null) {
                lagBytes = Optional.of(Math.max(0, NodeStatus.lsnToBytes(primaryLsn) - NodeStatus.lsnToBytes(raw.lsn())));
            }
            Replica replica = replicas.get(name);
            Optional<Double> lagSeconds = replica == null ? Optional.empty()
                    : Optional.of(replica.replayLagSeconds() == null ? 0.0 : replica.replayLagSeconds());
            Slot slot = slots.get(StandbyCloner.slotName(name));
            result.add(new NodeStatus(name, raw.node().host(), raw.node().port(), NodeStatus.Role.STANDBY,
                    Optional.ofNullable(raw.lsn()), lagBytes, lagSeconds, raw.upstream(),
                    slot == null ? Optional.empty() : Optional.of(StandbyCloner.slotName(name)),
                    slot == null ? Optional.empty() : Optional.of(slot.active()), Optional.empty()));
        }
        return result;
    }

    private static void readPrimaryViews(Statement s, Map<String, Replica> replicas, Map<String, Slot> slots) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT application_name, replay_lsn::text, "
                + "EXTRACT(epoch FROM replay_lag)::float8 FROM pg_stat_replication")) {
            while (rs.next()) {
                double lag = rs.getDouble(3);
                replicas.put(rs.getString(1), new Replica(rs.getString(2), rs.wasNull() ? null : lag));
            }
        }
        try (ResultSet rs = s.executeQuery("SELECT slot_name, active FROM pg_replication_slots WHERE slot_type = 'physical'")) {
            while (rs.next()) {
                slots.put(rs.getString(1), new Slot(rs.getBoolean(2)));
            }
        }
    }

    /** A fixed-width table for the console. */
    public static String table(List<NodeStatus> statuses) {
        StringBuilder out = new StringBuilder();
        String format = "%-8s %-8s %-16s %-12s %10s %7s  %-11s %-6s %s%n";
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
