package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.engine.Bringup.Facts;

/** Which node `up` makes the primary and which it leaves down: no cluster. */
class BringupTest {

    private static Facts fresh(String name) {
        return new Facts(name, false, false, false, false, 0);
    }

    private static Facts standby(String name) {
        return new Facts(name, true, true, false, false, 1);
    }

    @Test
    void aFreshClusterStartsWithTheFirstNodeAsPrimary() {
        Bringup.Decision d = Bringup.decide(List.of(fresh("primary"), fresh("node1"), fresh("node2"), fresh("node3")));
        assertEquals(Optional.of("primary"), d.primary());
        assertEquals(List.of("node1", "node2", "node3"), d.standbys());
        assertEquals(List.of(), d.leftDown());
    }

    @Test
    void afterAFailoverTheNewerTimelineIsThePrimaryAndTheOldOneStaysDown() {
        Bringup.Decision d = Bringup.decide(List.of(new Facts("primary", true, false, false, false, 1),
                new Facts("node1", true, false, false, false, 2), standby("node2"), standby("node3")));
        assertEquals(Optional.of("node1"), d.primary());
        assertEquals(List.of("primary"), d.leftDown());
        assertEquals(List.of("node2", "node3"), d.standbys());
    }

    @Test
    void aRunningPrimaryWinsOverAStoppedOneOnAHigherTimeline() {
        Bringup.Decision d = Bringup.decide(List.of(new Facts("primary", true, false, false, true, 1),
                new Facts("node1", true, false, false, false, 3), standby("node2"), standby("node3")));
        assertEquals(Optional.of("primary"), d.primary());
        assertEquals(List.of("node1"), d.leftDown());
    }

    @Test
    void aFencedNodeIsNeverThePrimaryAndStaysDown() {
        Bringup.Decision d = Bringup.decide(List.of(new Facts("primary", true, false, true, false, 5),
                new Facts("node1", true, false, false, true, 2), standby("node2"), fresh("node3")));
        assertEquals(Optional.of("node1"), d.primary());
        assertEquals(List.of("primary"), d.leftDown());
        assertEquals(List.of("node2", "node3"), d.standbys());
    }

    @Test
    void onlyStandbysAndFencedNodesLeaveNoPrimary() {
        Bringup.Decision d = Bringup.decide(List.of(new Facts("primary", true, false, true, false, 1), standby("node1"),
                standby("node2"), standby("node3")));
        assertEquals(Optional.empty(), d.primary());
    }
}
