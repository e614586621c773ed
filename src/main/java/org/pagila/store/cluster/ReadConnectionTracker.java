package org.pagila.store.cluster;

import io.agroal.api.AgroalPoolInterceptor;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;

/**
 * Notes which node each read connection is on when the request borrows it from the standby pool, so the
 * response can say who served it (X-Served-By, page footer) without an extra query.
 */
@ApplicationScoped
@DataSource("standby")
public class ReadConnectionTracker implements AgroalPoolInterceptor {

    @Inject
    NodeDirectory nodes;

    @Override
    public void onConnectionAcquire(Connection connection) {
        var requestContext = Arc.container().requestContext();
        if (requestContext.isActive()) {
            Arc.container().instance(ServedBy.class).get().add(nodes.nodeOf(connection));
        }
    }
}
