package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.engine.FailoverDecisions.Position;

/** Promotion candidate and fence targets, from what the nodes said: no cluster. */
class FailoverDecisionsTest {

    private static Position standby(String name, Long received, Long replayed) {
        return new Position(name, true, true, Optional.ofNullable(received), Optional.ofNullable(replayed), Optional.of(true));
    }

    private static Position down(String name, Optional<Boolean> standbySignal) {
        return new Position(name, false, false, Optional.empty(), Optional.empty(), standbySignal);
    }

    @Test
    void theStandbyThatReceivedMostWinsEvenIfAnotherReplayedMore() {
        List<Position> nodes = List.of(down("primary", Optional.of(false)), standby("node1", 500L, 400L),
                standby("node2", 700L, 300L), standby("node3", 600L, 600L));
        assertEquals("node2", FailoverDecisions.candidate(nodes, Optional.empty()).name());
    }

    @Test
    void aTieOnReceivedGoesToTheMoreReplayedThenToTheEarlierNode() {
        assertEquals("node2", FailoverDecisions.candidate(List.of(standby("node1", 500L, 400L), standby("node2", 500L, 450L)),
                Optional.empty()).name());
        assertEquals("node1", FailoverDecisions.candidate(List.of(standby("node1", 500L, 450L), standby("node2", 500L, 450L)),
                Optional.empty()).name());
    }

    @Test
    void aStandbyThatNeverStreamedCountsByWhatItReplayed() {
        assertEquals("node2", FailoverDecisions.candidate(List.of(standby("node1", null, 100L), standby("node2", null, 200L)),
                Optional.empty()).name());
    }

    @Test
    void aRequestedStandbyIsTakenAndAnythingElseIsRefused() {
        List<Position> nodes = List.of(standby("node1", 900L, 900L), standby("node2", 100L, 100L), down("node3", Optional.of(true)));
        assertEquals("node2", FailoverDecisions.candidate(nodes, Optional.of("node2")).name());
        ClusterException e = assertThrows(ClusterException.class, () -> FailoverDecisions.candidate(nodes, Optional.of("node3")));
        assertTrue(e.getMessage().contains("node3 is not a running standby"), e.getMessage());
    }

    @Test
    void aRepeatedPromoteSaysTheNodeIsAlreadyThePrimary() {
        Position promoted = new Position("node1", true, false, Optional.empty(), Optional.empty(), Optional.of(false));
        List<Position> nodes = List.of(down("primary", Optional.of(false)), promoted, standby("node2", 1L, 1L));
        ClusterException again = assertThrows(ClusterException.class, () -> FailoverDecisions.candidate(nodes, Optional.of("node1")));
        assertTrue(again.getMessage().startsWith("node1 is already the primary"), again.getMessage());
        ClusterException other = assertThrows(ClusterException.class, () -> FailoverDecisions.candidate(nodes, Optional.of("node2")));
        assertTrue(other.getMessage().contains("node1 is still a running primary"), other.getMessage());
    }

    @Test
    void noPromotionWhileAPrimaryAnswersOrWithoutAStandby() {
        Position live = new Position("primary", true, false, Optional.empty(), Optional.empty(), Optional.of(false));
        ClusterException twoPrimaries = assertThrows(ClusterException.class,
                () -> FailoverDecisions.candidate(List.of(live, standby("node1", 1L, 1L)), Optional.empty()));
        assertTrue(twoPrimaries.getMessage().contains("primary is still a running primary"), twoPrimaries.getMessage());
        assertThrows(ClusterException.class, () -> FailoverDecisions.candidate(List.of(down("primary", Optional.of(false))), Optional.empty()));
    }

    @Test
    void fenceTargetsAreNodesThatAreNeitherTheCandidateNorKnownStandbys() {
        List<Position> nodes = List.of(
                down("primary", Optional.of(false)),      // frozen or crashed primary: fence
                standby("node1", 5L, 5L),                 // the candidate
                down("node2", Optional.of(true)),         // a stopped standby: it comes back as one anyway
                down("node3", Optional.empty()));         // unreachable, files unknown: fence to be safe
        assertEquals(List.of("primary", "node3"), FailoverDecisions.fenceTargets(nodes, "node1"));
    }
}
