package org.pagila.store.cluster;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Read-your-writes on a standby. After a writer's transaction commits, {@link #wrote} marks that writer; the writer's
 * next read ({@link #connectionFor}) first notes the primary's WAL position (taken after the commit, so it covers the
 * commit record) and then hands that writer a standby connection only once that standby has replayed up to it
 * (polling briefly), else a primary connection. Readers who wrote nothing get any standby at once. The position is
 * asked for at the first read after a write, not at the write: an API client that writes and does not read back (the
 * rental benchmark, a till) pays no extra round trip per write. Positions are kept in this process, per writer (staff
 * username): one store process, as deployed here.
 */
@ApplicationScoped
public class ReadYourWrites {
    private final Map<String, String> lastWriteLsn = new ConcurrentHashMap<>();
    /** Writers with a commit newer than their noted position (the value is unused: a concurrent set). */
    private final Map<String, Boolean> unnotedWrites = new ConcurrentHashMap<>();

    @Inject
    AgroalDataSource primary;

    @Inject
    @DataSource("standby")
    AgroalDataSource standbys;

    @Inject
    NodeDirectory nodes;

    @Inject
    ClusterState cluster;

    @Inject
    ServedBy servedBy;

    @ConfigProperty(name = "pagila.read-your-writes.max-wait", defaultValue = "PT0.5S")
    Duration maxWait;

    /** Call after the writer's transaction committed. */
    public void wrote(String writer) {
        unnotedWrites.put(writer, Boolean.TRUE);
    }

    /**
     * The position the writer's reads must see: asked of the primary now if the writer committed since it was last
     * noted (any position the primary reports after the commit covers it). Cleared before asking, so a write that
     * commits meanwhile marks the writer again.
     */
    private String positionOf(String writer) throws SQLException {
        // without a primary there is nothing to ask (and asking would wait for a connection that cannot come)
        if (unnotedWrites.remove(writer) != null && cluster.isWritable()) {
            try (Connection c = primary.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                lastWriteLsn.put(writer, rs.getString(1));
            }
        }
        return lastWriteLsn.get(writer);
    }

    /** A connection on which the writer's own writes are visible: a caught-up standby if one answers in time, else the primary. */
    public Connection connectionFor(String writer) throws SQLException {
        String lsn;
        try {
            lsn = positionOf(writer);
        } catch (SQLException primaryGone) {
            // No primary (read-only mode): the write is safe on disk; the standbys show what they have replayed.
            lsn = lastWriteLsn.get(writer);
        }
        Connection standby = standbys.getConnection();
        if (lsn == null) {
            return standby;
        }
        try {
            long deadline = System.nanoTime() + maxWait.toNanos();
            do {
                if (replayed(standby, lsn)) {
                    return standby;
                }
                Thread.sleep(10);
            } while (System.nanoTime() < deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            standby.close();
            throw e;
        }
        try {
            Connection fresh = primary.getConnection();
            standby.close();
            servedBy.add(nodes.nodeOf(fresh));
            return fresh;
        } catch (SQLException primaryGone) {
            // No primary (read-only mode): the write is safe on disk; show what the standby has rather than fail.
            return standby;
        }
    }

    /** True on a standby that has replayed up to lsn, and on a primary (the standby pool falls back to it). */
    private static boolean replayed(Connection c, String lsn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
            s.setString(1, lsn);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
