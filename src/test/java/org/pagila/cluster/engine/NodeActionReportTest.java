package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;

/** stop, start, freeze, thaw repeated: they say there was nothing left to do instead of claiming it again. */
class NodeActionReportTest {
    @Test
    void aSecondStopOrStartSaysThereWasNothingToDo() {
        assertEquals("node3 stopped", NodeActionReport.stopped("node3", true));
        assertEquals("node3 was not running: nothing to stop", NodeActionReport.stopped("node3", false));
        assertEquals("node1 started", NodeActionReport.started("node1", false));
        assertEquals("node1 is already running: nothing to start", NodeActionReport.started("node1", true));
    }

    @Test
    void freezingTwiceSaysSoAndFreezingAStoppedNodeIsRefused() {
        assertEquals("node2 frozen (SIGSTOP to 6 processes); `thaw node2` resumes it", NodeActionReport.frozen("node2", false, 6));
        assertEquals("node2 was already frozen; `thaw node2` resumes it", NodeActionReport.frozen("node2", true, 6));
        ClusterException e = assertThrows(ClusterException.class, () -> NodeActionReport.frozen("node2", false, 0));
        assertTrue(e.getMessage().contains("`start node2`"), e.getMessage());
    }

    @Test
    void aFrozenNodeIsNotStoppedButThawedOrKilledFirst() {
        NodeActionReport.refuseStopWhenFrozen("node2", false);
        ClusterException e = assertThrows(ClusterException.class, () -> NodeActionReport.refuseStopWhenFrozen("node2", true));
        assertTrue(e.getMessage().contains("`thaw node2`") && e.getMessage().contains("`kill node2`"), e.getMessage());
    }

    @Test
    void thawingANodeThatIsNotFrozenSaysSo() {
        assertEquals("node2 thawed (SIGCONT to 6 processes)", NodeActionReport.thawed("node2", true, 6));
        assertEquals("node2 was not frozen: nothing to thaw", NodeActionReport.thawed("node2", false, 6));
        assertEquals("node2 is not running: nothing to thaw", NodeActionReport.thawed("node2", false, 0));
    }
}
