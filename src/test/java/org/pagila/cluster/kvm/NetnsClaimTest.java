package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.kvm.NetnsClaim.Verdict;

/** Whose namespace it is, decided from the marker and real processes (this one, and one that has ended). */
class NetnsClaimTest {

    @Test
    void aMissingNamespaceIsFreeWhateverAMarkerSays() {
        assertEquals(Verdict.FREE, NetnsClaim.judge(false, Optional.empty()));
        assertEquals(Verdict.FREE, NetnsClaim.judge(false, Optional.of(NetnsClaim.ofThisProcess())));
    }

    @Test
    void aNamespaceWithoutAMarkerIsSomeoneElsesAndLeftAlone() {
        assertEquals(Verdict.FOREIGN, NetnsClaim.judge(true, Optional.empty()));
    }

    @Test
    void aNamespaceWhoseMakerRunsIsInUse() {
        assertEquals(Verdict.IN_USE, NetnsClaim.judge(true, Optional.of(NetnsClaim.ofThisProcess())));
    }

    @Test
    void aNamespaceWhoseMakerHasEndedWasLeftByADeadRun() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        NetnsClaim claim = NetnsClaim.of(ended.toHandle());
        ended.waitFor();
        assertFalse(claim.isAlive());
        assertEquals(Verdict.LEFT_BY_A_DEAD_RUN, NetnsClaim.judge(true, Optional.of(claim)));
    }

    @Test
    void aLiveProcessWithTheSameIdButAnotherStartIsNotTheMaker() {
        NetnsClaim self = NetnsClaim.ofThisProcess();
        assertTrue(self.isAlive());
        NetnsClaim recycledId = new NetnsClaim(self.pid(), self.processStart().minusSeconds(3600));
        assertFalse(recycledId.isAlive());
        assertEquals(Verdict.LEFT_BY_A_DEAD_RUN, NetnsClaim.judge(true, Optional.of(recycledId)));
        assertFalse(new NetnsClaim(self.pid(), Instant.EPOCH).isAlive());
        // another JVM may derive the same start a second apart (boot time from /proc/stat)
        assertTrue(new NetnsClaim(self.pid(), self.processStart().plusSeconds(1)).isAlive());
    }
}
