package org.pagila.cluster.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The timing rules Patroni documents (and its later versions enforce), checked before anything is written to etcd. */
class PatroniTimingsTest {

    @Test
    void oursAndPatronisDefaultsAreValid() {
        assertEquals(20, PatroniTimings.FAST.ttl());
        assertEquals(30, PatroniTimings.PATRONI_DEFAULTS.ttl());
        assertEquals(12, PatroniTimings.FAST.loopWait() + 2 * PatroniTimings.FAST.retryTimeout());
    }

    @Test
    void ttlBelowPatronisFloorIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PatroniTimings(19, 2, 5));
        assertTrue(e.getMessage().contains("ttl must be at least 20"), e.getMessage());
    }

    @Test
    void aLeaderMustGiveUpBeforeItsKeyRunsOut() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PatroniTimings(20, 5, 8));
        assertTrue(e.getMessage().contains("loop_wait + 2 * retry_timeout"), e.getMessage());
        new PatroniTimings(21, 5, 8);
    }

    @Test
    void loopAndRetryHaveFloorsToo() {
        assertEquals(2, PatroniTimings.problems(20, 0, 2).size());
    }
}
