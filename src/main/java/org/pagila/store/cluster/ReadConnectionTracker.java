package org.pagila.store.cluster;

import io.agroal.api.AgroalPoolInterceptor;
import io.agroal.pool.wrapper.ConnectionWrapper;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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
     * Each open connection of the pool and its node, keyed by Agroal's handler of it: each interceptor call gets a new
     * wrapper, and PgJDBC's own connection cannot be unwrapped once it is closed (a node restarted under it), which
     * is when it is destroyed.
     */
    private final Map<Object, String> open = Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public void onConnectionCreate(Connection connection) {
        open.put(handlerOf(connection), nodes.nodeOf(connection));
    }

    @Override
    public void onConnectionDestroy(Connection connection) {
        open.remove(handlerOf(connection));
    }

    /** The pooled connection behind Agroal's wrapper (the wrapper itself outside Agroal's pool, in tests). */
    private static Object handlerOf(Connection connection) {
        return connection instanceof ConnectionWrapper wrapper ? wrapper.getHandler() : connection;
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
