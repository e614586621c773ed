package org.pagila.store.cluster;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Every response names the node that served its reads. */
public class ServedByFilter {
    public static final String HEADER = "X-Served-By";

    @Inject
    ServedBy servedBy;

    @ServerResponseFilter
    public void addHeader(ContainerResponseContext response) {
        if (!servedBy.isEmpty()) {
            response.getHeaders().putSingle(HEADER, servedBy.label());
        }
    }
}
