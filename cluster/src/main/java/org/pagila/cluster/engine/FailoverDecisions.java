package org.pagila.cluster.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;

/**
 * The choices a failover makes, as pure functions of what the nodes said: which standby to promote, and which
 * nodes to fence first. Kept apart from the doing so they are tested without a cluster.
 */
public final class FailoverDecisions {
    private FailoverDecisions() {
    }

    /**
     * One node as promotion sees it. received/replayed: WAL byte positions (empty when unknown); standbySignal:
     * empty when its files could not be read (an unreachable machine).
     */
    public record Position(String name, boolean answers, boolean inRecovery, Optional<Long> received, Optional<Long> replayed,
                           Optional<Boolean> standbySignal) {
        long best() {
            return received.or(() -> replayed).orElse(0L);
        }
    }

    /**
     * The standby to promote: the requested one, or the one that has received the most WAL (it loses the least;
     * it replays what it received before it is promoted). Ties go to the most replayed, then to the earlier node.
     * Refuses while any node answers as a primary: promoting then would make two. A repeated `promote NODE` finds
     * NODE the primary already, and says that rather than asking to stop the node it just promoted.
     */
    public static Position candidate(List<Position> nodes, Optional<String> requested) {
        nodes.stream().filter(n -> n.answers() && !n.inRecovery()).findFirst().ifPresent(p -> {
            if (requested.isPresent() && requested.get().equals(p.name())) {
                throw new ClusterException(p.name() + " is already the primary: nothing to promote. See `status`.");
            }
            throw new ClusterException(p.name() + " is still a running primary; stop or kill it before promoting a standby.");
        });
        List<Position> standbys = nodes.stream().filter(n -> n.answers() && n.inRecovery()).toList();
        if (standbys.isEmpty()) {
            throw new ClusterException("No standby is running; nothing to promote.");
        }
        if (requested.isPresent()) {
            return standbys.stream().filter(n -> n.name().equals(requested.get())).findFirst()
                    .orElseThrow(() -> new ClusterException(requested.get() + " is not a running standby: "
                            + standbys.stream().map(Position::name).toList()));
        }
        Comparator<Position> order = Comparator.comparingLong(Position::best)
                .thenComparingLong(p -> p.replayed().orElse(0L))
                .thenComparing(Comparator.comparingInt((Position p) -> nodes.indexOf(p)).reversed());
        return standbys.stream().max(order).orElseThrow();
    }

    /**
     * Nodes to fence before the promotion: every node other than the candidate that does not answer as a standby
     * and is not known to be configured as one (a frozen primary, a crashed one, one we cannot even reach).
     */
    public static List<String> fenceTargets(List<Position> nodes, String candidate) {
        return nodes.stream()
                .filter(n -> !n.name().equals(candidate))
                .filter(n -> !(n.answers() && n.inRecovery()))
                .filter(n -> !n.standbySignal().orElse(false))
                .map(Position::name).toList();
    }
}
