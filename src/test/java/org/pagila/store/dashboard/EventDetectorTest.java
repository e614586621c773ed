package org.pagila.store.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.probe.NodeStatus.Role;
import org.pagila.store.cluster.ClusterState.Mode;
import org.pagila.store.cluster.ClusterState.View;

/** The events a class sees, from successive views of the cluster (no cluster needed). */
class EventDetectorTest {
    private long clock = 1_000_000;
    private Optional<String> conflict = Optional.empty();

    @Test
    void aFailoverReadsAsLostReadOnlyPromotedWritableRejoined() {
        EventDetector detector = new EventDetector();
        List<ClusterEvent> first = detector.next(view("primary", "P", "S", "S", "S"));
        assertEquals(List.of(ClusterEvent.Type.WATCHING), types(first));
        assertEquals("watching 4 nodes: writes go to primary, 3 standbys", first.get(0).message());
        assertEquals(List.of(), types(detector.next(view("primary", "P", "S", "S", "S"))));
        assertEquals(List.of(ClusterEvent.Type.PRIMARY_LOST, ClusterEvent.Type.READ_ONLY),
                types(detector.next(view(null, "D", "S", "S", "S"))));
        List<ClusterEvent> promoted = detector.next(view("node2", "D", "S", "P", "S"));
        assertEquals(List.of(ClusterEvent.Type.PROMOTED, ClusterEvent.Type.WRITABLE), types(promoted));
        assertTrue(promoted.get(1).message().contains("after 0.5 s"), promoted.get(1).message());
        // the old primary comes back as a standby, but is reported only once it streams
        assertEquals(List.of(), types(detector.next(view("node2", "s", "S", "P", "S"))));
        List<ClusterEvent> rejoined = detector.next(view("node2", "S", "S", "P", "S"));
        assertEquals(List.of(ClusterEvent.Type.REJOINED), types(rejoined));
        assertEquals("primary", rejoined.get(0).node());
    }

    @Test
    void aStandbyThatDiesAndReturnsIsDownThenBack() {
        EventDetector detector = new EventDetector();
        detector.next(view("primary", "P", "S", "S", "S"));
        assertEquals(List.of(ClusterEvent.Type.NODE_DOWN), types(detector.next(view("primary", "P", "S", "S", "D"))));
        assertEquals(List.of(ClusterEvent.Type.NODE_BACK), types(detector.next(view("primary", "P", "S", "S", "S"))));
    }

    @Test
    void theStoresSplitBrainVerdictIsReportedOnce() {
        EventDetector detector = new EventDetector();
        detector.next(view("node1", "D", "P", "S", "S"));
        conflict = Optional.of("primary and node1 both accept writes");
        List<ClusterEvent> split = detector.next(view("node1", "P", "P", "S", "S"));
        assertEquals(List.of(ClusterEvent.Type.SPLIT_BRAIN), types(split));
        assertTrue(split.get(0).message().contains("primary and node1"), split.get(0).message());
        assertEquals(List.of(), types(detector.next(view("node1", "P", "P", "S", "S"))));
    }

    @Test
    void noNodeAnsweringMakesTheStoreUnavailable() {
        EventDetector detector = new EventDetector();
        detector.next(view("primary", "P", "S", "S", "S"));
        assertEquals(List.of(ClusterEvent.Type.PRIMARY_LOST, ClusterEvent.Type.UNAVAILABLE, ClusterEvent.Type.NODE_DOWN,
                ClusterEvent.Type.NODE_DOWN, ClusterEvent.Type.NODE_DOWN), types(detector.next(view(null, "D", "D", "D", "D"))));
    }

    /** Roles of primary, node1..3: P primary, S streaming standby, s standby not streaming yet, D down. */
    private View view(String primary, String... roles) {
        String[] names = {"primary", "node1", "node2", "node3"};
        List<NodeStatus> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Role role = switch (roles[i]) {
                case "P" -> Role.PRIMARY;
                case "D" -> Role.DOWN;
                default -> Role.STANDBY;
            };
            Optional<String> upstream = roles[i].equals("S") ? Optional.of("127.0.0.1:1 (streaming)") : Optional.empty();
            nodes.add(new NodeStatus(names[i], "127.0.0.1", 1 + i, role, Optional.empty(), Optional.empty(), Optional.empty(),
                    upstream, Optional.empty(), Optional.empty(), role == Role.DOWN ? Optional.of("refused") : Optional.empty(),
                    Optional.empty()));
        }
        Mode mode = primary != null ? Mode.READ_WRITE : nodes.stream().anyMatch(NodeStatus::isUp) ? Mode.READ_ONLY : Mode.UNAVAILABLE;
        clock += 500;
        return new View(mode, Optional.ofNullable(primary), nodes, List.of(), List.of(), conflict, Instant.ofEpochMilli(clock));
    }

    private static List<ClusterEvent.Type> types(List<ClusterEvent> events) {
        return events.stream().map(ClusterEvent::type).toList();
    }
}
