package org.pagila.store.cluster;

import io.agroal.api.AgroalPoolInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.postgresql.core.BaseConnection;

/**
 * The store's own fence: a new connection of the write pool (the default datasource) is kept only when it reached
 * the node ClusterState chose for writes. With two primaries the driver may still hand out the older one (it takes
 * the first writable host it tries); such a connection is closed before any request sees it, and the write fails
 * as "no primary" (SQLSTATE 08004, so PrimaryWrites answers 503 and the pool is looked at again).
 * Connections that already existed are flushed by ClusterState when its choice changes.
 */
@ApplicationScoped
public class WriteFence implements AgroalPoolInterceptor {
    private static final Logger LOG = Logger.getLogger(WriteFence.class);

    @Inject
    ClusterState cluster;

    @Inject
    NodeDirectory nodes;

    @Override
    public void onConnectionCreate(Connection connection) {
        if (!cluster.hasLooked()) {
            return; // before the store's first look at the cluster (startup) there is nothing to fence against
        }
        String node = nodes.nodeOf(connection);
        if (cluster.isWriteNode(node)) {
            return;
        }
        LOG.warnf("Write connection to %s refused: writes go to %s only", node, cluster.view().primary().orElse("no node now"));
        try {
            connection.unwrap(BaseConnection.class).close();
        } catch (SQLException closing) {
            // it is being dropped anyway
        }
        throw new FencedNodeException(node);
    }

    /** Unchecked, because the interceptor interface declares no exception; the pool reports it as a failed creation. */
    static final class FencedNodeException extends RuntimeException {
        FencedNodeException(String node) {
            super(new SQLException("Writes may not go to " + node + ": it is not the primary the store chose"
                    + " (an older timeline, or none chosen)", "08004"));
        }
    }
}
