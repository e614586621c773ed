package org.pagila.cluster.ha;

import java.util.ArrayList;
import java.util.List;

/**
 * Patroni's three clocks. The leader key lives {@code ttl} seconds unless renewed every {@code loopWait}; a DCS or
 * PostgreSQL call is retried for {@code retryTimeout}. A whole-node loss is noticed only when the key expires, so
 * ttl bounds the write outage from below; a short ttl in turn lets a slow etcd or a loaded machine cost the leader
 * its key (a needless failover). Patroni 3.0.2 does not check these; later versions refuse ttl under 20, and the
 * documentation asks for loop_wait + 2 * retry_timeout <= ttl so that a leader gives up before its key runs out.
 */
public record PatroniTimings(int ttl, int loopWait, int retryTimeout) {
    public static final int MIN_TTL = 20;

    /** Patroni's own defaults. */
    public static final PatroniTimings PATRONI_DEFAULTS = new PatroniTimings(30, 10, 10);

    /** Ours: the floor ttl, a 2 s loop (faster restarts in place and sync standby changes), retries that fit. */
    public static final PatroniTimings FAST = new PatroniTimings(20, 2, 5);

    public PatroniTimings {
        List<String> problems = problems(ttl, loopWait, retryTimeout);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Patroni timings ttl=" + ttl + " loop_wait=" + loopWait + " retry_timeout="
                    + retryTimeout + " are not valid: " + String.join("; ", problems));
        }
    }

    @Override
    public String toString() {
        return "ttl " + ttl + " s, loop_wait " + loopWait + " s, retry_timeout " + retryTimeout + " s";
    }

    static List<String> problems(int ttl, int loopWait, int retryTimeout) {
        List<String> problems = new ArrayList<>();
        if (ttl < MIN_TTL) {
            problems.add("ttl must be at least " + MIN_TTL + " s (Patroni's floor)");
        }
        if (loopWait < 1) {
            problems.add("loop_wait must be at least 1 s");
        }
        if (retryTimeout < 3) {
            problems.add("retry_timeout must be at least 3 s");
        }
        if (loopWait + 2 * retryTimeout > ttl) {
            problems.add("loop_wait + 2 * retry_timeout must not exceed ttl, or a leader may lose its key while still retrying");
        }
        return problems;
    }
}
