package org.pagila.store.cluster;

import io.agroal.api.AgroalPoolInterceptor;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.core.BaseConnection;

/**
 * Notes which node each read connection is on when the request borrows it from the standby pool, so the
 * response can say who served it (X-Served-By, page footer) without an extra query; and which nodes the pool's
 * open connections are on, so that a change of where reads go ({@link ReadRouting}) can wait until none is left
 * on the other side.
 */
@ApplicationScoped
@DataSource("standby")
public class ReadConnectionTracker implements AgroalPoolInterceptor {

    @Inject
    NodeDirectory nodes;

    /**
     * Each open connection of the pool and its node, keyed by the driver's own connection: Agroal hands each
     * interceptor call a new wrapper of it, so the wrapper would never be found again.
     */
    private final Map<Object, String> open = Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public void onConnectionCreate(Connection connection) {
        open.put(driverConnection(connection), nodes.nodeOf(connection));
    }

    @Override
    public void onConnectionDestroy(Connection connection) {
        open.remove(driverConnection(connection));
    }

    /** PgJDBC's connection under Agroal's wrapper (unwrapping it checks nothing, so it answers for a closed one too). */
    private static Object driverConnection(Connection connection) {
        try {
            return connection.unwrap(BaseConnection.class);
        } catch (SQLException notPgJdbc) {
            return connection;
        }
    }

    @Override
    public void onConnectionAcquire(Connection connection) {
        var requestContext = Arc.container().requestContext();
        if (requestContext.isActive()) {
            Arc.container().instance(ServedBy.class).get().add(nodes.nodeOf(connection));
        }
    }

    /** The node of every connection the read pool holds open now, busy or idle. */
    public List<String> openOn() {
        synchronized (open) {
            return List.copyOf(open.values());
        }
    }
}
