package org.pagila.cluster.probe;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;

/**
 * One connection per node, kept between a poller's questions. A poller that logs in anew each time costs every node
 * a backend start and a SCRAM password hash per poll, and its own JVM the client's half of the hash. The store has
 * two pollers, roles and lag and the dashboard's replication details, each asking every node every second; the
 * dashboard's, before it kept its connections, made one login a second on every node (log_connections on a standby).
 *
 * <p>A kept connection that failed fast (the server restarted, was promoted by a restart, dropped it) gets one new
 * login at once; one that timed out does not: a frozen node would otherwise cost a second wait, and a frozen primary
 * would be noticed later.
 */
public final class KeptConnections implements AutoCloseable {
    @FunctionalInterface
    public interface Question<T> {
        T ask(Connection connection) throws SQLException;
    }

    private final String database;
    private final String user;
    private final String password;
    private final Duration timeout;
    private final Map<String, Connection> kept = new ConcurrentHashMap<>();

    public KeptConnections(String database, String user, String password, Duration timeout) {
        this.database = database;
        this.user = user;
        this.password = password;
        this.timeout = timeout;
    }

    /** Asks over the node's kept connection, else over a new one, which is then kept. */
    public <T> T ask(ClusterSettings.NodeAddress node, Question<T> question) throws SQLException {
        Connection connection = kept.remove(node.name());
        if (connection != null) {
            long start = System.nanoTime();
            try {
                return keep(node, connection, question.ask(connection));
            } catch (SQLException e) {
                closeQuietly(connection);
                if (Duration.ofNanos(System.nanoTime() - start).compareTo(timeout) >= 0) {
                    throw e;
                }
            }
        }
        connection = Jdbc.connect(node, database, user, password, timeout);
        try {
            return keep(node, connection, question.ask(connection));
        } catch (SQLException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private <T> T keep(ClusterSettings.NodeAddress node, Connection connection, T answer) {
        Connection other = kept.put(node.name(), connection);
        if (other != null && other != connection) {
            closeQuietly(other); // two questions to one node at once: one connection stays
        }
        return answer;
    }

    @Override
    public void close() {
        kept.values().forEach(KeptConnections::closeQuietly);
        kept.clear();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // already broken: nothing to give back
        }
    }
}
