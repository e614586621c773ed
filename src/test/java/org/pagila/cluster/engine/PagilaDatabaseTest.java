package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pagila.cluster.engine.PagilaDatabase.Decision;
import org.pagila.cluster.engine.PagilaDatabase.State;

/** Bring-up never drops database pagila: only an absent one is loaded, doubt stops. */
class PagilaDatabaseTest {

    @Test
    void onlyAnAbsentDatabaseIsLoaded() {
        assertEquals(Decision.LOAD, PagilaDatabase.decide(PagilaDatabase.classify(false, null, false)));
    }

    @Test
    void aRecordedLoadIsKeptWhateverItHoldsNow() {
        // the store adds rentals and staff credentials; a grown catalogue must never look like a broken load
        assertEquals(Decision.KEEP, PagilaDatabase.decide(PagilaDatabase.classify(true,
                PagilaDatabase.RECORD + " 2026-11-25T22:00:00Z", false)));
    }

    @Test
    void anUnrecordedButCompleteDatabaseIsRecordedAndKept() {
        assertEquals(Decision.RECORD_AND_KEEP, PagilaDatabase.decide(PagilaDatabase.classify(true, null, true)));
        assertEquals(Decision.RECORD_AND_KEEP, PagilaDatabase.decide(PagilaDatabase.classify(true, "made by hand", true)));
    }

    @Test
    void anUnrecordedIncompleteDatabaseStopsInsteadOfBeingDropped() {
        assertEquals(State.UNRECORDED_INCOMPLETE, PagilaDatabase.classify(true, null, false));
        assertEquals(Decision.STOP, PagilaDatabase.decide(State.UNRECORDED_INCOMPLETE));
    }
}
