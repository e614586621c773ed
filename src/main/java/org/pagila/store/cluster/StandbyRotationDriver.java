package org.pagila.store.cluster;

import io.quarkus.arc.Arc;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The read pool's JDBC driver: PgJDBC, with each new connection's host list rotated so that it starts at the next
 * standby that serves reads now (round robin over ClusterState's view), instead of PgJDBC's random pick per
 * connection. A random pick left a healthy standby with no connection at all in a small pool; a rotation gives
 * every standby a third of the pool. The URL keeps all hosts and targetServerType=preferSecondary, so a standby
 * that is down is skipped by the driver as before and the primary still serves when no standby does.
 * Chosen over per-standby pools with a router: one pool, one persistence unit, the same failover code paths.
 * While the operator sends reads to the primary ({@link ReadRouting}) the primary comes first instead, with
 * targetServerType=preferPrimary, so a primary lost meanwhile still leaves the reads a standby.
 * <p>
 * Each new connection also reads the film page view once before the pool hands it out (see {@link #warm}).
 */
public class StandbyRotationDriver implements Driver {
    private static final String PREFIX = "jdbc:postgresql://";
    private static final AtomicInteger TURN = new AtomicInteger();
    private final org.postgresql.Driver postgres = new org.postgresql.Driver();

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String routed = primaryToReadFrom().map(primary -> onPrimary(url, primary))
                .orElseGet(() -> rotate(url, servingStandbys(), TURN.getAndIncrement()));
        Connection connection = postgres.connect(routed, info);
        if (connection != null) {
            warm(connection);
        }
        return connection;
    }

    /** A film page that does not exist: its plan touches every table, index and type the page reads, and returns nothing. */
    static final String WARM_UP = "SELECT * FROM film_page WHERE film_id = 0";

    /**
     * Reads no film page on a new connection, so that its server process loads the catalog's tables, indexes and
     * statistics into its own caches before a customer's request waits for them: on an idle standby a fresh process's
     * first film page took 6 ms against under 2 ms for the next, and far more on a busy machine. Read connections are
     * renewed every minute (max-lifetime), and these cold first reads were most of the film page's p99 in the benchmark
     * (README, Performance). Agroal opens connections in the background to keep min-size ready, so this runs off the
     * request path. A failed read leaves a connection that still answers as it was (a database without the
     * view: a cluster whose migrations have not run); one that broke meanwhile is closed and reported like a failed connect.
     */
    static void warm(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(WARM_UP);
        } catch (SQLException failed) {
            if (!connection.isValid(1)) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    failed.addSuppressed(closing);
                }
                throw failed;
            }
        }
    }

    /** host:port of every standby that serves reads now; empty before the store's first look at the cluster. */
    private static List<String> servingStandbys() {
        return bean(ClusterState.class).map(ClusterState::servingStandbys).orElse(List.of());
    }

    /** The primary's host:port while reads are sent to it (and there is one); empty otherwise. */
    private static Optional<String> primaryToReadFrom() {
        return bean(ReadRouting.class).flatMap(ReadRouting::primaryToReadFrom);
    }

    /** The store's bean, once its container runs (the pool may open connections before or after it). */
    private static <T> Optional<T> bean(Class<T> type) {
        var container = Arc.container();
        return container == null || !container.isRunning() ? Optional.empty() : Optional.of(container.instance(type).get());
    }

    /** The URL with the primary first and the primary preferred; the other hosts stay as the fallback. */
    static String onPrimary(String url, String primary) {
        return rotate(url, List.of(primary), 0).replace("targetServerType=preferSecondary", "targetServerType=preferPrimary");
    }

    /**
     * The URL with the turn's standby first and load balancing off (the order is the choice now); unchanged when no
     * standby is known to serve, so PgJDBC's own choice applies.
     */
    static String rotate(String url, List<String> serving, int turn) {
        if (serving.isEmpty() || !url.startsWith(PREFIX)) {
            return url;
        }
        int slash = url.indexOf('/', PREFIX.length());
        if (slash < 0) {
            return url;
        }
        String first = serving.get(Math.floorMod(turn, serving.size()));
        List<String> hosts = new ArrayList<>(List.of(url.substring(PREFIX.length(), slash).split(",")));
        if (!hosts.remove(first)) {
            return url;
        }
        hosts.add(0, first);
        String rest = url.substring(slash).replace("loadBalanceHosts=true", "loadBalanceHosts=false");
        return PREFIX + String.join(",", hosts) + rest;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return postgres.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return postgres.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return postgres.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return postgres.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return postgres.getParentLogger();
    }
}
