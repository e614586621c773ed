package org.pagila.cluster.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.secrets.Secrets;

/**
 * Manual failover, for every layout and transport: fence the old primary, promote the standby that received the
 * most WAL (after it replayed all of it), create the slots the others need, and re-point the other standbys.
 */
public final class Promotion {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final NodeControl control;
    private final Progress progress;

    public Promotion(NodeControl control, Progress progress) {
        this.control = control;
        this.progress = progress;
    }

    /** Returns the promoted node. */
    public Node promote(List<Node> nodes, Optional<String> requested) {
        List<FailoverDecisions.Position> positions = positions(nodes);
        FailoverDecisions.Position chosen = FailoverDecisions.candidate(positions, requested);
        Node promoted = byName(nodes, chosen.name());

        progress.step("fence the old primary before " + promoted.name() + " is promoted");
        List<String> targets = FailoverDecisions.fenceTargets(positions, chosen.name());
        Fence fence = new Fence(control, progress);
        for (String target : targets) {
            fence.fence(byName(nodes, target), promoted.name() + " was promoted in its place");
        }
        if (targets.isEmpty()) {
            progress.detail("no node other than the standbys holds a primary's data directory");
        }

        progress.step("promote " + promoted.name() + (requested.isPresent() ? "" : " (highest received LSN "
                + chosen.received().or(chosen::replayed).map(Promotion::lsn).orElse("?") + " of "
                + positions.stream().filter(p -> p.answers() && p.inRecovery()).map(FailoverDecisions.Position::name).toList() + ")"));
        Replication replication = new Replication(control, progress);
        replication.awaitReplayedReceived(promoted);
        List<String> slots = nodes.stream().filter(n -> n != promoted).map(Node::slot).toList();
        control.jdbc(promoted, c -> Roles.promote(c, slots));
        progress.detail(promoted.name() + " is the primary now; slots " + String.join(", ", slots));

        progress.step("re-point the other standbys at " + promoted.name());
        for (FailoverDecisions.Position p : positions) {
            if (p.answers() && p.inRecovery() && !p.name().equals(promoted.name())) {
                follow(byName(nodes, p.name()), promoted);
            }
        }
        return promoted;
    }

    /** Points a running standby at another primary (primary_conninfo and slot, then a reload) and waits for it. */
    public void follow(Node standby, Node primary) {
        control.jdbc(standby, c -> {
            try (Statement s = c.createStatement()) {
                for (String statement : ServerConfig.followStatements(standby, primary)) {
                    s.execute(statement);
                }
            }
        });
        progress.detail(standby.name() + ": primary_conninfo -> " + primary.peerHost() + ":" + primary.peerPort() + ", reloaded");
        new Replication(control, progress).awaitStreaming(primary, standby);
    }

    /** Every node at once, with short timeouts: a frozen node must not hold the failover up. */
    List<FailoverDecisions.Position> positions(List<Node> nodes) {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<CompletableFuture<FailoverDecisions.Position>> futures = nodes.stream()
                    .map(n -> CompletableFuture.supplyAsync(() -> position(n), pool)).toList();
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    private FailoverDecisions.Position position(Node node) {
        Optional<Boolean> standbySignal;
        try {
            standbySignal = Optional.of(control.isStandbyConfigured(node));
        } catch (ClusterException unreachable) {
            standbySignal = Optional.empty();
        }
        try (Connection c = Jdbc.connect(node.client().get(), "postgres", Secrets.SUPERUSER,
                control.secrets().password(Secrets.SUPERUSER), PROBE_TIMEOUT);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text")) {
            rs.next();
            return new FailoverDecisions.Position(node.name(), true, rs.getBoolean(1), bytes(rs.getString(2)), bytes(rs.getString(3)),
                    standbySignal);
        } catch (SQLException e) {
            return new FailoverDecisions.Position(node.name(), false, false, Optional.empty(), Optional.empty(), standbySignal);
        }
    }

    private static Optional<Long> bytes(String lsn) {
        return Optional.ofNullable(lsn).map(NodeStatus::lsnToBytes);
    }

    private static String lsn(long bytes) {
        return Long.toHexString(bytes >>> 32).toUpperCase() + "/" + Long.toHexString(bytes & 0xFFFFFFFFL).toUpperCase();
    }

    static Node byName(List<Node> nodes, String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new ClusterException("Unknown node '" + name + "'"));
    }
}
