package org.pagila.cluster.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;

import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.engine.Roles;
import org.pagila.cluster.engine.ServerConfig;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;


/**
 * `switchover [NODE]`: a planned role change that loses nothing. The primary shuts down cleanly: its walsenders
 * send every record, the shutdown checkpoint last, before they exit. The target is promoted only once it has
 * replayed past that checkpoint, so it holds every commit the old primary acknowledged. The old primary then
 * follows the target as a standby (its WAL ends at the checkpoint, where the new timeline branches off, so no
 * rewind is needed). The store sees no primary during the gap, which makes it read-only (503 for rentals) until
 * the promoted node answers.
 */
public final class Switchover {
    private final EmbeddedCluster cluster;
    private final Duration maxLag;
    private final Progress progress;

    public Switchover(EmbeddedCluster cluster, Duration maxLag, Progress progress) {
        this.cluster = cluster;
        this.maxLag = maxLag;
        this.progress = progress;
    }

    public record Result(String oldPrimary, String newPrimary, String shutdownCheckpoint, Duration gap) {
    }

    public Result switchover(Optional<String> requested) {
        Secrets secrets = cluster.secrets();
        List<NodeStatus> nodes = cluster.status();
        List<NodeStatus> primaries = nodes.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).toList();
        if (primaries.size() != 1) {
            throw new ClusterException(primaries.isEmpty() ? "No running primary: a switchover needs one (after a crash use `promote`)."
                    : "Two nodes accept writes " + primaries.stream().map(NodeStatus::name).toList() + ": rejoin the old primary first.");
        }
        NodeStatus primaryStatus = primaries.get(0);
        NodeStatus targetStatus = chooseTarget(nodes, requested, maxLag);
        LocalNode primary = new LocalNode(cluster.node(primaryStatus.name()), secrets);
        LocalNode target = new LocalNode(cluster.node(targetStatus.name()), secrets);
        List<NodeStatus> others = nodes.stream().filter(n -> n.role() == NodeStatus.Role.STANDBY)
                .filter(n -> !n.name().equals(targetStatus.name())).toList();

        progress.step("clean shutdown of " + primary.name() + " (the store is read-only from here)");
        Instant gapStart = Instant.now();
        primary.stop();
        ControlFile control = ControlFile.read(primary.dataDir());
        if (!control.cleanlyShutDown()) {
            throw new ClusterException(primary.name() + " did not shut down cleanly (pg_control state " + control.state()
                    + "); not switching over. Start it again with `start " + primary.name() + "`.");
        }
        progress.detail(primary.name() + " stopped; shutdown checkpoint at " + control.checkpoint());

        progress.step(target.name() + " replays past " + control.checkpoint() + ", then is promoted");
        try (Connection c = Sql.superuser(target.address(), secrets, "postgres")) {
            if (!awaitReplayPast(c, control.checkpoint(), Duration.ofSeconds(30))) {
                primary.start();
                throw new ClusterException(target.name() + " did not replay " + primary.name() + "'s final checkpoint "
                        + control.checkpoint() + " within 30 s; switchover aborted, " + primary.name() + " started again as the primary.");
            }
            Roles.promote(c, ClusterSettings.NODE_NAMES.stream().filter(n -> !n.equals(target.name()))
                    .map(Roles::slotName).toList());
        } catch (SQLException e) {
            throw new ClusterException("Promotion of " + target.name() + " failed: " + e.getMessage()
                    + ". The cluster has no primary: `promote " + target.name() + "` or `start " + primary.name() + "`.", e);
        }
        Duration gap = Duration.between(gapStart, Instant.now());
        progress.detail(String.format("%s is the primary; writes were impossible for %.2f s", target.name(), gap.toMillis() / 1000.0));

        progress.step(primary.name() + " follows " + target.name() + "; the other standbys re-point");
        primary.writeFile("standby.signal", "");
        // port and name live in the node's settings file; postgresql.auto.conf holds only where it streams from
        primary.writeFile("postgresql.auto.conf", ServerConfig.standbySettings(primary.node(), target.node()));
        primary.start();
        for (NodeStatus other : others) {
            LocalNode standby = new LocalNode(cluster.node(other.name()), secrets);
            try (Connection c = Sql.superuser(standby.address(), secrets, "postgres"); Statement s = c.createStatement()) {
                for (String sql : ServerConfig.followStatements(standby.node(), target.node())) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new ClusterException("Cannot re-point " + other.name() + " at " + target.name() + ": " + e.getMessage(), e);
            }
        }
        Set<String> expected = new HashSet<>(others.stream().map(NodeStatus::name).toList());
        expected.add(primary.name());
        awaitStreaming(target, secrets, expected, Duration.ofSeconds(60));
        progress.info(String.format("Switchover done: %s -> %s, gap %.2f s.%n%n%s", primary.name(), target.name(),
                gap.toMillis() / 1000.0, cluster.statusTable()));
        return new Result(primary.name(), target.name(), control.checkpoint(), gap);
    }

    /** The requested standby, or the one furthest ahead; never one that lags past the bound or is not streaming. */
    static NodeStatus chooseTarget(List<NodeStatus> nodes, Optional<String> requested, Duration maxLag) {
        List<NodeStatus> fit = nodes.stream().filter(n -> SourceChoice.fit(n, maxLag)).toList();
        if (requested.isPresent()) {
            NodeStatus node = nodes.stream().filter(n -> n.name().equals(requested.get())).findFirst()
                    .orElseThrow(() -> new ClusterException("Unknown node " + requested.get() + ": expected one of " + ClusterSettings.NODE_NAMES));
            if (node.role() == NodeStatus.Role.PRIMARY) {
                throw new ClusterException(node.name() + " is already the primary.");
            }
            if (!fit.contains(node)) {
                throw new ClusterException(node.name() + " is not a streaming standby within the lag bound; choose one of "
                        + fit.stream().map(NodeStatus::name).toList());
            }
            return node;
        }
        return fit.stream().min(Comparator.comparingLong((NodeStatus n) -> n.lagBytes().orElse(Long.MAX_VALUE)))
                .orElseThrow(() -> new ClusterException("No standby is streaming within the lag bound; no switchover target."));
    }

    private static boolean awaitReplayPast(Connection c, String lsn, Duration timeout) throws SQLException {
        Instant deadline = Instant.now().plus(timeout);
        while (!"t".equals(Sql.one(c, "SELECT pg_last_wal_replay_lsn() > '" + lsn + "'::pg_lsn"))) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    private void awaitStreaming(LocalNode primary, Secrets secrets, Set<String> expected, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Connection c = Sql.superuser(primary.address(), secrets, "postgres")) {
            while (true) {
                Set<String> streaming = Roles.streamingStandbys(c, null);
                if (streaming.containsAll(expected)) {
                    progress.detail(expected + " stream from " + primary.name());
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new ClusterException("After the switchover " + expected + " should stream from " + primary.name()
                            + " but only " + streaming + " do. See `status`.");
                }
                sleep(200);
            }
        } catch (SQLException e) {
            throw new ClusterException("Cannot check replication on " + primary.name() + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted", e);
        }
    }
}
