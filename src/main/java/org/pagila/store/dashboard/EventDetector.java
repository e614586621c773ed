package org.pagila.store.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.probe.NodeStatus.Role;
import org.pagila.store.cluster.ClusterState.Mode;
import org.pagila.store.cluster.ClusterState.View;

/**
 * Turns successive views of the cluster into the events a class should notice: the primary lost, the store
 * read-only, a promotion, writable again, a node down or back, a former primary rejoined (once it streams), two
 * primaries at once. Pure: fed one view after the other, it remembers only what the events need.
 */
final class EventDetector {
    private View previous;
    private String lastPrimary;
    private Instant notWritableSince;
    private final Set<String> formerPrimaries = new HashSet<>();
    /** Nodes back from down (or from being primary) whose return is reported once they stream. */
    private final Set<String> awaitingStream = new HashSet<>();

    List<ClusterEvent> next(View view) {
        List<ClusterEvent> events = new ArrayList<>();
        Instant at = view.checkedAt();
        if (previous == null) {
            previous = view;
            lastPrimary = view.primary().orElse(null);
            if (view.mode() != Mode.READ_WRITE) {
                notWritableSince = at;
            }
            long standbys = view.nodes().stream().filter(n -> n.role() == Role.STANDBY).count();
            events.add(new ClusterEvent(at, ClusterEvent.Type.WATCHING, null, "watching " + view.nodes().size() + " nodes: "
                    + view.primary().map(p -> "writes go to " + p).orElse("no primary") + ", " + standbys + " standbys"));
            return events;
        }
        Map<String, NodeStatus> before = byName(previous.nodes());
        if (previous.primary().isPresent() && view.primary().isEmpty()) {
            String lost = previous.primary().get();
            NodeStatus now = byName(view.nodes()).get(lost);
            String why = now == null ? "" : now.error().map(e -> ": " + firstLine(e)).orElse("");
            events.add(new ClusterEvent(at, ClusterEvent.Type.PRIMARY_LOST, lost, "primary " + lost + " lost" + why));
        }
        if (view.mode() != previous.mode()) {
            switch (view.mode()) {
                case READ_ONLY -> events.add(new ClusterEvent(at, ClusterEvent.Type.READ_ONLY, null,
                        "store read-only: rentals paused, browsing goes on"));
                case UNAVAILABLE -> events.add(new ClusterEvent(at, ClusterEvent.Type.UNAVAILABLE, null,
                        "store unavailable: no node answers"));
                case READ_WRITE -> { /* after the promotion event below */ }
            }
            if (view.mode() != Mode.READ_WRITE && notWritableSince == null) {
                notWritableSince = at;
            }
        }
        view.primary().filter(p -> !p.equals(lastPrimary)).ifPresent(p -> {
            if (lastPrimary != null) {
                formerPrimaries.add(lastPrimary);
                events.add(new ClusterEvent(at, ClusterEvent.Type.PROMOTED, p, p + " promoted: the new primary (was " + lastPrimary + ")"));
            }
            formerPrimaries.remove(p);
            lastPrimary = p;
        });
        if (view.mode() == Mode.READ_WRITE && previous.mode() != Mode.READ_WRITE) {
            String after = notWritableSince == null ? "" : String.format(" after %.1f s", Duration.between(notWritableSince, at).toMillis() / 1000.0);
            events.add(new ClusterEvent(at, ClusterEvent.Type.WRITABLE, view.primary().orElse(null),
                    "store writable again" + after + ": rentals resume on " + view.primary().orElse("?")));
            notWritableSince = null;
        }
        nodeChanges(view, before, events, at);
        // the store's own split-brain verdict (two primaries; it writes only to the one on the highest timeline)
        view.conflict().filter(c -> previous.conflict().isEmpty())
                .ifPresent(c -> events.add(new ClusterEvent(at, ClusterEvent.Type.SPLIT_BRAIN, null, "split brain: " + c)));
        previous = view;
        return events;
    }

    private void nodeChanges(View view, Map<String, NodeStatus> before, List<ClusterEvent> events, Instant at) {
        for (NodeStatus node : view.nodes()) {
            NodeStatus was = before.get(node.name());
            Role roleBefore = was == null ? Role.DOWN : was.role();
            if (node.role() == Role.DOWN && roleBefore == Role.STANDBY) {
                events.add(new ClusterEvent(at, ClusterEvent.Type.NODE_DOWN, node.name(), "standby " + node.name() + " down"
                        + node.error().map(e -> ": " + firstLine(e)).orElse("")));
                awaitingStream.remove(node.name());
            }
            if (node.role() == Role.STANDBY && (roleBefore == Role.DOWN || roleBefore == Role.PRIMARY)) {
                awaitingStream.add(node.name());
            }
            if (node.role() == Role.STANDBY && awaitingStream.contains(node.name()) && streams(node)) {
                awaitingStream.remove(node.name());
                String upstream = view.primary().orElse("the primary");
                if (formerPrimaries.remove(node.name())) {
                    events.add(new ClusterEvent(at, ClusterEvent.Type.REJOINED, node.name(),
                            node.name() + " rejoined as a standby of " + upstream + ", streaming"));
                } else {
                    events.add(new ClusterEvent(at, ClusterEvent.Type.NODE_BACK, node.name(),
                            node.name() + " back, streaming from " + upstream));
                }
            }
        }
    }

    static boolean streams(NodeStatus node) {
        return node.upstream().map(u -> u.contains("streaming")).orElse(false);
    }

    private static Map<String, NodeStatus> byName(List<NodeStatus> nodes) {
        Map<String, NodeStatus> map = new HashMap<>();
        nodes.forEach(n -> map.put(n.name(), n));
        return map;
    }

    /** The first sentence of a driver's message: "Connection to … refused", not its advice on host names. */
    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        int sentence = line.indexOf(". ");
        line = sentence < 0 ? line : line.substring(0, sentence);
        return line.length() > 80 ? line.substring(0, 80) + "…" : line;
    }
}
