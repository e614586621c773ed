package org.pagila.store.dashboard;

import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.pagila.store.cluster.ServedBy;

/**
 * Counts, as every response leaves: the reads each node served (where X-Served-By is set) and the writes
 * refused because no primary could take them (the 503 of a read-only store).
 */
public class RequestCounting {

    @Inject
    ServedBy servedBy;

    @Inject
    StoreMetrics metrics;

    @ServerResponseFilter
    public void count(ContainerRequestContext request, ContainerResponseContext response) {
        if (!servedBy.isEmpty()) {
            for (String node : servedBy.label().split(",\\s*")) {
                metrics.readServed(node);
            }
        }
        if (response.getStatus() == 503 && !HttpMethod.GET.equals(request.getMethod())
                && !HttpMethod.HEAD.equals(request.getMethod())) {
            metrics.writeRefused();
        }
    }
}
