package org.pagila.cluster;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The one way the tooling waits for something (a standby streaming, a process gone, a VM booted): Awaitility
 * polls, and a timeout becomes a ClusterException that says what did not happen and, when given, why.
 */
public final class Await {
    private Await() {
    }

    public static void until(String what, Duration timeout, Callable<Boolean> condition) {
        until(what, timeout, Duration.ofMillis(200), condition, () -> "");
    }

    /** explanation: asked only on timeout, for the message (a node's last log lines, say). */
    public static void until(String what, Duration timeout, Duration poll, Callable<Boolean> condition,
                             Supplier<String> explanation) {
        try {
            Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(poll)
                    .ignoreExceptionsMatching(e -> !(e instanceof ClusterException))
                    .until(condition);
        } catch (ConditionTimeoutException e) {
            String why = explanation.get();
            throw new ClusterException("Not done within " + timeout.toSeconds() + " s: " + what + (why.isEmpty() ? "" : "\n" + why));
        }
    }
}
