package org.pagila.store.dashboard;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.probe.KeptConnections;

/**
 * What the status view shows beyond the store's role-and-lag probe: each node's timeline, received and replayed
 * LSN, and on the primary each slot's retained WAL against max_slot_wal_keep_size (as `patronictl list` and
 * `kubectl cnpg status` show them). Asked of all nodes at once, each over its kept connection, with short timeouts, by
 * the dashboard only.
 */
final class ReplicationDetails implements AutoCloseable {

    record Node(Optional<Integer> timeline, Optional<String> receivedLsn, Optional<String> replayedLsn) {
        static final Node UNKNOWN = new Node(Optional.empty(), Optional.empty(), Optional.empty());
    }

    record Slot(String name, boolean active, Optional<Long> retainedBytes, Optional<Long> safeBytes, String walStatus) {
    }

    /** Per node name; slots as the current primary reports them; the slot retention limit (-1: none). */
    record Details(Map<String, Node> nodes, Map<String, Slot> slots, long slotLimitBytes) {
        static final Details NONE = new Details(Map.of(), Map.of(), -1);

        Node node(String name) {
            return nodes.getOrDefault(name, Node.UNKNOWN);
        }
    }

    private record Answer(String node, Node details, Map<String, Slot> slots, Long slotLimit) {
    }

    private final List<ClusterSettings.NodeAddress> addresses;
    private final KeptConnections connections;
    private final ExecutorService executor;

    ReplicationDetails(List<ClusterSettings.NodeAddress> addresses, String user, String password, Duration timeout) {
        this.addresses = addresses;
        this.connections = new KeptConnections("pagila", user, password, timeout);
        this.executor = Executors.newFixedThreadPool(addresses.size(), r -> {
            Thread thread = new Thread(r, "dashboard-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    Details probe() {
        List<CompletableFuture<Answer>> answers = addresses.stream()
                .map(a -> CompletableFuture.supplyAsync(() -> ask(a), executor)).toList();
        Map<String, Node> nodes = new HashMap<>();
        Map<String, Slot> slots = new HashMap<>();
        long limit = -1;
        for (CompletableFuture<Answer> future : answers) {
            Answer answer = future.join();
            nodes.put(answer.node(), answer.details());
            if (answer.slotLimit() != null) {
                slots.putAll(answer.slots());
                limit = answer.slotLimit();
            }
        }
        return new Details(nodes, slots, limit);
    }

    private Answer ask(ClusterSettings.NodeAddress address) {
        try {
            return connections.ask(address, c -> {
                try (Statement s = c.createStatement()) {
                    boolean standby;
                    try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                        rs.next();
                        standby = rs.getBoolean(1);
                    }
                    return standby ? standby(address, s) : primary(address, s);
                }
            });
        } catch (SQLException e) {
            return new Answer(address.name(), Node.UNKNOWN, Map.of(), null);
        }
    }

    /** A standby's timeline is the one its WAL receiver streams (or, cut off, the one its last checkpoint names). */
    private static Answer standby(ClusterSettings.NodeAddress address, Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT coalesce((SELECT received_tli FROM pg_stat_wal_receiver), "
                + "(SELECT timeline_id FROM pg_control_checkpoint())), pg_last_wal_receive_lsn()::text, "
                + "pg_last_wal_replay_lsn()::text")) {
            rs.next();
            int timeline = rs.getInt(1);
            return new Answer(address.name(), new Node(rs.wasNull() ? Optional.empty() : Optional.of(timeline),
                    Optional.ofNullable(rs.getString(2)), Optional.ofNullable(rs.getString(3))), Map.of(), null);
        }
    }

    /** A primary's timeline is in its current WAL file name: right from the promotion on, unlike the checkpoint's. */
    private static Answer primary(ClusterSettings.NodeAddress address, Statement s) throws SQLException {
        Node node;
        try (ResultSet rs = s.executeQuery("SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int, "
                + "pg_current_wal_lsn()::text")) {
            rs.next();
            node = new Node(Optional.of(rs.getInt(1)), Optional.of(rs.getString(2)), Optional.of(rs.getString(2)));
        }
        Map<String, Slot> slots = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT slot_name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, "
                + "safe_wal_size, coalesce(wal_status, '') FROM pg_replication_slots WHERE slot_type = 'physical'")) {
            while (rs.next()) {
                long retained = rs.getLong(3);
                Optional<Long> retainedBytes = rs.wasNull() ? Optional.empty() : Optional.of(Math.max(0, retained));
                long safe = rs.getLong(4);
                Optional<Long> safeBytes = rs.wasNull() ? Optional.empty() : Optional.of(safe);
                slots.put(rs.getString(1), new Slot(rs.getString(1), rs.getBoolean(2), retainedBytes, safeBytes, rs.getString(5)));
            }
        }
        long limit;
        try (ResultSet rs = s.executeQuery("SELECT CASE WHEN setting::bigint < 0 THEN -1 ELSE setting::bigint * 1024 * 1024 END "
                + "FROM pg_settings WHERE name = 'max_slot_wal_keep_size'")) {
            rs.next();
            limit = rs.getLong(1);
        }
        return new Answer(address.name(), node, slots, limit);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        connections.close();
    }
}
