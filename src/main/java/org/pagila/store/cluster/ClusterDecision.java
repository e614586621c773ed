package org.pagila.store.cluster;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pagila.cluster.probe.NodeStatus;

/**
 * What the store makes of one look at the cluster: its mode, the one node writes may go to, and the nodes reads
 * must avoid. Pure, so every case (including two primaries) is tested without a cluster.
 *
 * Two primaries happen when a standby was promoted while the old primary still ran (or came back). The promoted
 * one is on a higher timeline; writes go only there, and the older ones are kept out of both pools, because
 * whatever they accept is lost when they are rejoined. Two primaries on the same highest timeline cannot be told
 * apart: then nothing is written until an operator fences one.
 */
public final class ClusterDecision {

    public record Decision(ClusterState.Mode mode, Optional<String> writeNode, List<String> staleStandbys,
                           List<String> olderPrimaries, Optional<String> conflict) {
    }

    private ClusterDecision() {
    }

    public static Decision decide(List<NodeStatus> nodes, Duration maxReadLag) {
        List<NodeStatus> primaries = nodes.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).toList();
        List<String> stale = staleStandbys(nodes, maxReadLag);
        if (primaries.isEmpty()) {
            ClusterState.Mode mode = nodes.stream().anyMatch(NodeStatus::isUp) ? ClusterState.Mode.READ_ONLY : ClusterState.Mode.UNAVAILABLE;
            return new Decision(mode, Optional.empty(), stale, List.of(), Optional.empty());
        }
        if (primaries.size() == 1) {
            return new Decision(ClusterState.Mode.READ_WRITE, Optional.of(primaries.get(0).name()), stale, List.of(), Optional.empty());
        }
        long highest = primaries.stream().mapToLong(ClusterDecision::timeline).max().orElseThrow();
        List<NodeStatus> newest = primaries.stream().filter(p -> timeline(p) == highest).toList();
        String listed = primaries.stream().sorted(Comparator.comparingLong(ClusterDecision::timeline).reversed())
                .map(p -> p.name() + " (timeline " + p.timeline().map(String::valueOf).orElse("unknown") + ")")
                .collect(Collectors.joining(", "));
        if (newest.size() > 1) {
            String conflict = primaries.size() + " primaries: " + listed + ". None is on a higher timeline than the others,"
                    + " so rentals are paused until all but one are stopped and rejoined as standbys.";
            List<String> all = primaries.stream().map(NodeStatus::name).toList();
            return new Decision(ClusterState.Mode.READ_ONLY, Optional.empty(), stale, all, Optional.of(conflict));
        }
        String writer = newest.get(0).name();
        List<String> older = primaries.stream().map(NodeStatus::name).filter(n -> !n.equals(writer)).toList();
        String conflict = primaries.size() + " primaries: " + listed + ". Writes go only to " + writer
                + ", the highest timeline; rejoin " + String.join(", ", older) + " as a standby"
                + " (cluster/pagila-cluster rejoin " + older.get(0) + ").";
        return new Decision(ClusterState.Mode.READ_WRITE, Optional.of(writer), stale, older, Optional.of(conflict));
    }

    /** An unknown timeline counts as the oldest: the store never bets its writes on a node it cannot place. */
    private static long timeline(NodeStatus primary) {
        return primary.timeline().orElse(-1L);
    }

    /** Standbys too far behind, but only while some fresher node could serve the reads instead. */
    static List<String> staleStandbys(List<NodeStatus> nodes, Duration maxReadLag) {
        List<String> stale = nodes.stream()
                .filter(n -> n.role() == NodeStatus.Role.STANDBY)
                .filter(n -> n.lagSeconds().map(s -> s > maxReadLag.toSeconds()).orElse(false))
                .map(NodeStatus::name).toList();
        boolean fresherAvailable = nodes.stream().anyMatch(n -> n.isUp() && !stale.contains(n.name()));
        return fresherAvailable ? stale : List.of();
    }
}
