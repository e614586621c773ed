package org.pagila.store.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.Asynchronous;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * SmallRye Fault Tolerance around every write: bounded in time, a circuit breaker that stops hammering a
 * primary that keeps failing, and a fallback that answers read-only. Business refusals (404, 409) pass
 * straight through and do not count as failures. A commit that failed (PrimaryWrites: WriteOutcomeUnknown) counts
 * as one but passes the fallback: its answer says the outcome is unknown, not that the store is read-only.
 *
 * Asynchronous on purpose: a frozen primary blocks JDBC in socket reads that no interrupt can cut short, so
 * only a write running on its own thread lets the timeout answer the request on time (the stuck thread fails
 * later on the driver's socket timeout, and its transaction rolls back).
 */
@ApplicationScoped
public class GuardedWrite {

    @Inject
    ClusterState cluster;

    @Asynchronous
    @Timeout(value = 4000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 1000,
            failOn = {PrimaryUnavailableException.class, TimeoutException.class, WriteOutcomeUnknown.class})
    @Fallback(fallbackMethod = "readOnly",
            applyOn = {PrimaryUnavailableException.class, TimeoutException.class, CircuitBreakerOpenException.class})
    public CompletionStage<Object> call(Supplier<?> write) {
        return CompletableFuture.completedFuture(write.get());
    }

    /** A timeout leaves the outcome open (the transaction may still commit); the other failures mean no primary. */
    CompletionStage<Object> readOnly(Supplier<?> write, Throwable failure) {
        cluster.primaryLost();
        return CompletableFuture.failedFuture(failure instanceof TimeoutException ? new WriteOutcomeUnknown()
                : new ReadOnlyException());
    }
}
