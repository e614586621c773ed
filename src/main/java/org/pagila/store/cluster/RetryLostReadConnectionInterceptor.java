package org.pagila.store.cluster;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import org.jboss.logging.Logger;

/** See {@link RetryLostReadConnection}: reads are idempotent, so one more attempt is always safe. */
@RetryLostReadConnection
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class RetryLostReadConnectionInterceptor {
    private static final Logger LOG = Logger.getLogger(RetryLostReadConnectionInterceptor.class);

    @Inject
    ClusterState cluster;

    @AroundInvoke
    Object retryOnce(InvocationContext call) throws Exception {
        try {
            return call.proceed();
        } catch (RuntimeException e) {
            // the same classification as for writes: connection failure (08), server shutting down (57P0x)
            if (!PrimaryWrites.isPrimaryUnavailable(e)) {
                throw e;
            }
            LOG.debugf("Read lost its connection (%s); once more on a new one", e.getMessage());
            cluster.readConnectionLost();
            return call.proceed();
        }
    }
}
