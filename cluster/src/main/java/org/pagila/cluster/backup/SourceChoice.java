package org.pagila.cluster.backup;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.probe.NodeStatus;

/**
 * Which node a base backup reads from: a healthy standby spares the primary; the primary only when no standby
 * is fit. A standby lagging past the read-lag bound is never used: its copy would silently start in the past,
 * and one that has lost its upstream may never catch up.
 */
public final class SourceChoice {
    private SourceChoice() {
    }

    public record Choice(NodeStatus node, String reason) {
    }

    public static Choice choose(List<NodeStatus> nodes, Duration maxLag, Optional<String> requested) {
        List<NodeStatus> primaries = nodes.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).toList();
        if (primaries.isEmpty()) {
            throw new ClusterException("No primary is running: a backup needs one (WAL switch and archive). See `status`.");
        }
        if (primaries.size() > 1) {
            throw new ClusterException("Two nodes accept writes (" + primaries.stream().map(NodeStatus::name).toList()
                    + "): settle the split brain (rejoin the old primary) before backing up.");
        }
        Optional<NodeStatus> primary = Optional.of(primaries.get(0));
        if (requested.isPresent()) {
            NodeStatus node = nodes.stream().filter(n -> n.name().equals(requested.get())).findFirst()
                    .orElseThrow(() -> new ClusterException("Unknown node " + requested.get()
                            + ": expected one of " + nodes.stream().map(NodeStatus::name).toList()));
            if (node.role() == NodeStatus.Role.DOWN) {
                throw new ClusterException(node.name() + " is down; cannot back up from it.");
            }
            if (node.role() == NodeStatus.Role.STANDBY && !fit(node, maxLag)) {
                throw new ClusterException(node.name() + " lags " + lag(node) + " (bound " + maxLag.toSeconds()
                        + " s) or is not streaming; choose another node.");
            }
            return new Choice(node, "requested");
        }
        Optional<NodeStatus> standby = nodes.stream().filter(n -> n.role() == NodeStatus.Role.STANDBY)
                .filter(n -> fit(n, maxLag))
                .min(Comparator.comparingDouble((NodeStatus n) -> n.lagSeconds().orElse(0.0))
                        .thenComparingLong(n -> n.lagBytes().orElse(0L)));
        if (standby.isPresent()) {
            return new Choice(standby.get(), "streaming standby, lag " + lag(standby.get()));
        }
        return new Choice(primary.get(), "no standby is fit (down, not streaming, or lagging more than "
                + maxLag.toSeconds() + " s)");
    }

    /** Streaming through its slot, with a known lag within the bound. */
    static boolean fit(NodeStatus n, Duration maxLag) {
        return n.role() == NodeStatus.Role.STANDBY && n.slotActive().orElse(false)
                && n.lagSeconds().map(s -> s <= maxLag.toMillis() / 1000.0).orElse(false);
    }

    private static String lag(NodeStatus n) {
        return n.lagSeconds().map(s -> String.format("%.1f s", s)).orElse("unknown");
    }
}
