package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Whether a node already is a standby of the primary (so bring-up neither re-clones nor starts a stale copy). */
class StandbyFactsTest {
    private static final String BASEBACKUP_CONNINFO = "primary_conninfo = 'user=replicator passfile=''/var/lib/postgresql/.pgpass'' "
            + "channel_binding=prefer host=primary port=5432 sslmode=prefer application_name=node1'";

    @Test
    void aRunningStandbyConfiguredForThePrimaryIsDone() {
        assertTrue(new StandbyFacts(true, true, true, true, false, "host=primary port=5432 user=replicator").isStandbyOf("primary", 5432));
    }

    @Test
    void aStoppedStandbyWithStandbySignalAndTheRightUpstreamIsDone() {
        assertTrue(new StandbyFacts(true, false, false, true, false, BASEBACKUP_CONNINFO).isStandbyOf("primary", 5432));
    }

    @Test
    void anotherUpstreamOrPortNeedsAClone() {
        assertFalse(new StandbyFacts(true, false, false, true, false, BASEBACKUP_CONNINFO).isStandbyOf("node2", 5432));
        assertFalse(new StandbyFacts(true, true, true, true, false, "host=127.0.0.1 port=16433").isStandbyOf("127.0.0.1", 16432));
        assertFalse(new StandbyFacts(true, true, true, true, false, "host=primary2 port=5432").isStandbyOf("primary", 5432));
    }

    @Test
    void aPrimaryAFencedNodeOrAnEmptyDirectoryNeedsAClone() {
        assertFalse(new StandbyFacts(true, true, false, false, false, "host=primary port=5432").isStandbyOf("primary", 5432));
        assertFalse(new StandbyFacts(true, false, false, true, true, BASEBACKUP_CONNINFO).isStandbyOf("primary", 5432));
        assertFalse(new StandbyFacts(false, false, false, false, false, null).isStandbyOf("primary", 5432));
        assertFalse(new StandbyFacts(true, false, false, false, false, BASEBACKUP_CONNINFO).isStandbyOf("primary", 5432));
    }

    @Test
    void onlyARunningStandbyOfThisPrimaryThatStreamsIsLeftAloneByRejoin() {
        StandbyFacts running = new StandbyFacts(true, true, true, true, false, "host=127.0.0.1 port=23432");
        assertTrue(running.isHealthyStandbyOf("127.0.0.1", 23432, true));
        assertFalse(running.isHealthyStandbyOf("127.0.0.1", 23432, false), "configured but not streaming: broken, rejoin it");
        assertFalse(running.isHealthyStandbyOf("127.0.0.1", 23433, true), "another upstream");
        assertFalse(new StandbyFacts(true, false, false, true, false, "host=127.0.0.1 port=23432")
                .isHealthyStandbyOf("127.0.0.1", 23432, true), "stopped: rejoin copies it afresh");
    }
}
