package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.probe.NodeStatus;

/** The store's mode, write node and read exclusions from one look at the cluster: no cluster needed. */
class ClusterDecisionTest {
    private static final Duration MAX_LAG = Duration.ofSeconds(30);

    static NodeStatus primary(String name, Long timeline) {
        return new NodeStatus(name, "127.0.0.1", 1, NodeStatus.Role.PRIMARY, Optional.of("0/3000000"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.ofNullable(timeline));
    }

    static NodeStatus standby(String name, double lagSeconds) {
        return new NodeStatus(name, "127.0.0.1", 2, NodeStatus.Role.STANDBY, Optional.of("0/3000000"), Optional.of(0L),
                Optional.of(lagSeconds), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static NodeStatus down(String name) {
        return new NodeStatus(name, "127.0.0.1", 3, NodeStatus.Role.DOWN, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("Connection refused"), Optional.empty());
    }

    @Test
    void onePrimaryTakesTheWrites() {
        var d = ClusterDecision.decide(List.of(primary("primary", 1L), standby("node1", 0), standby("node2", 0), down("node3")), MAX_LAG);
        assertEquals(ClusterState.Mode.READ_WRITE, d.mode());
        assertEquals(Optional.of("primary"), d.writeNode());
        assertEquals(Optional.empty(), d.conflict());
        assertEquals(List.of(), d.olderPrimaries());
    }

    @Test
    void noPrimaryButAStandbyIsReadOnly() {
        var d = ClusterDecision.decide(List.of(down("primary"), standby("node1", 0), down("node2"), down("node3")), MAX_LAG);
        assertEquals(ClusterState.Mode.READ_ONLY, d.mode());
        assertEquals(Optional.empty(), d.writeNode());
    }

    @Test
    void noNodeAnsweringIsUnavailable() {
        var d = ClusterDecision.decide(List.of(down("primary"), down("node1"), down("node2"), down("node3")), MAX_LAG);
        assertEquals(ClusterState.Mode.UNAVAILABLE, d.mode());
        assertEquals(Optional.empty(), d.writeNode());
    }

    @Test
    void withTwoPrimariesWritesGoToTheHighestTimelineWhateverTheListOrder() {
        var d = ClusterDecision.decide(List.of(primary("primary", 1L), primary("node1", 2L), standby("node2", 0), standby("node3", 0)), MAX_LAG);
        assertEquals(ClusterState.Mode.READ_WRITE, d.mode());
        assertEquals(Optional.of("node1"), d.writeNode());
        assertEquals(List.of("primary"), d.olderPrimaries());
        String conflict = d.conflict().orElseThrow();
        assertTrue(conflict.contains("node1 (timeline 2)") && conflict.contains("primary (timeline 1)"), conflict);
        assertTrue(conflict.contains("rejoin primary"), conflict);

        var reversed = ClusterDecision.decide(List.of(primary("primary", 3L), primary("node1", 2L), primary("node2", 1L)), MAX_LAG);
        assertEquals(Optional.of("primary"), reversed.writeNode());
        assertEquals(List.of("node1", "node2"), reversed.olderPrimaries());
    }

    @Test
    void twoPrimariesOnTheSameTimelineCannotBeToldApartSoNothingIsWritten() {
        var d = ClusterDecision.decide(List.of(primary("primary", 2L), primary("node1", 2L), standby("node2", 0)), MAX_LAG);
        assertEquals(ClusterState.Mode.READ_ONLY, d.mode());
        assertEquals(Optional.empty(), d.writeNode());
        assertEquals(List.of("primary", "node1"), d.olderPrimaries());
        assertTrue(d.conflict().orElseThrow().contains("paused"), d.conflict().get());
    }

    @Test
    void aPrimaryOfUnknownTimelineNeverWinsOverAKnownOne() {
        var d = ClusterDecision.decide(List.of(primary("primary", null), primary("node1", 1L)), MAX_LAG);
        assertEquals(Optional.of("node1"), d.writeNode());
        assertEquals(List.of("primary"), d.olderPrimaries());
    }

    @Test
    void aLaggingStandbyIsStaleOnlyWhileAFresherNodeCanServe() {
        var d = ClusterDecision.decide(List.of(primary("primary", 1L), standby("node1", 45), standby("node2", 2), down("node3")), MAX_LAG);
        assertEquals(List.of("node1"), d.staleStandbys());

        var alone = ClusterDecision.decide(List.of(down("primary"), standby("node1", 45), down("node2"), down("node3")), MAX_LAG);
        assertEquals(List.of(), alone.staleStandbys(), "the only node left keeps serving, however stale");
        assertEquals(ClusterState.Mode.READ_ONLY, alone.mode());

        var allBehind = ClusterDecision.decide(List.of(down("primary"), standby("node1", 45), standby("node2", 50)), MAX_LAG);
        assertEquals(List.of(), allBehind.staleStandbys(), "no fresher node: nobody is excluded");
    }

    @Test
    void lagAtTheBoundIsNotStale() {
        var d = ClusterDecision.decide(List.of(primary("primary", 1L), standby("node1", 30), standby("node2", 0)), MAX_LAG);
        assertEquals(List.of(), d.staleStandbys());
    }

    @Test
    void theApiShowsTheConflictAndReadsAvoidTheOlderPrimary() {
        var nodes = List.of(primary("primary", 1L), primary("node1", 2L), standby("node2", 0), down("node3"));
        var d = ClusterDecision.decide(nodes, MAX_LAG);
        var view = new ClusterState.View(d.mode(), d.writeNode(), nodes, d.staleStandbys(), d.olderPrimaries(), d.conflict(),
                java.time.Instant.now());
        var api = ClusterResource.describe(view);
        assertEquals("node1", api.primary());
        assertEquals(List.of("primary"), api.olderPrimaries());
        assertEquals(d.conflict().orElseThrow(), api.conflict());
        assertEquals(List.of(false, true, true, false), api.nodes().stream().map(ClusterResource.Node::servesReads).toList());
        assertEquals(2L, api.nodes().get(1).timeline());
    }
}
