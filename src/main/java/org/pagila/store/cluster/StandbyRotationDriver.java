package org.pagila.store.cluster;

import io.quarkus.arc.Arc;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
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
        return postgres.connect(rotate(url, servingStandbys(), TURN.getAndIncrement()), info);
    }

    /** host:port of every standby that serves reads now; empty before the store's first look at the cluster. */
    private static List<String> servingStandbys() {
        var container = Arc.container();
        if (container == null || !container.isRunning()) {
            return List.of();
        }
        return container.instance(ClusterState.class).get().servingStandbys();
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
