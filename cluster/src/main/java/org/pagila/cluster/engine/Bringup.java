package org.pagila.cluster.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which node `up` makes the primary and which it leaves down, from what each node's files say. Pure, so the
 * cases (first start, after `down`, after a failover, a fenced node) are tested without a cluster.
 */
public final class Bringup {
    private Bringup() {
    }

    /** runningPrimary: it runs and answers as a primary now. timeline: from its WAL history files. */
    public record Facts(String name, boolean initialized, boolean standbySignal, boolean fenced, boolean runningPrimary,
                        int timeline) {
    }

    /** primary: empty when no node may be one. leftDown: fenced nodes and primaries a failover left behind. */
    public record Decision(Optional<String> primary, List<String> leftDown, List<String> standbys) {
    }

    public static Decision decide(List<Facts> nodes) {
        if (nodes.stream().noneMatch(Facts::initialized)) {
            return new Decision(Optional.of(nodes.get(0).name()), List.of(),
                    nodes.stream().skip(1).map(Facts::name).toList());
        }
        List<Facts> primaries = nodes.stream().filter(n -> n.initialized() && !n.fenced() && !n.standbySignal()).toList();
        // a running primary wins; otherwise the one promoted last (highest timeline), the earlier node on a tie
        Optional<Facts> primary = primaries.stream().filter(Facts::runningPrimary).findFirst()
                .or(() -> primaries.stream().max(Comparator.comparingInt(Facts::timeline)
                        .thenComparing(Comparator.comparingInt((Facts f) -> nodes.indexOf(f)).reversed())));
        List<String> leftDown = new ArrayList<>();
        List<String> standbys = new ArrayList<>();
        for (Facts node : nodes) {
            if (primary.isPresent() && node == primary.get()) {
                continue;
            }
            if (node.fenced() || primaries.contains(node)) {
                leftDown.add(node.name());
            } else {
                standbys.add(node.name());
            }
        }
        return new Decision(primary.map(Facts::name), leftDown, standbys);
    }
}
