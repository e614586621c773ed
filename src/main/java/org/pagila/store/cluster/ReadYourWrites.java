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
 * Read-your-writes on a standby. After a writer's transaction commits, {@link #wrote} notes the primary's WAL
 * position; {@link #connectionFor} then hands that writer a standby connection only once that standby has replayed
 * up to it (polling briefly), else a primary connection. Readers who wrote nothing get any standby at once.
 * Positions are kept in this process, per writer (staff username): one store process, as deployed here.
 */
@ApplicationScoped
public class ReadYourWrites {
    private final Map<String, String> lastWriteLsn = new ConcurrentHashMap<>();

    @Inject
    AgroalDataSource primary;

    @Inject
    @DataSource("standby")
    AgroalDataSource standbys;

    @Inject
    NodeDirectory nodes;

    @Inject
    ServedBy servedBy;

    @ConfigProperty(name = "pagila.read-your-writes.max-wait", defaultValue = "PT0.5S")
    Duration maxWait;

    /** Call after the writer's transaction committed: the primary's current WAL position covers its commit record. */
    public void wrote(String writer) throws SQLException {
        try (Connection c = primary.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            lastWriteLsn.put(writer, rs.getString(1));
        }
    }

    /** A connection on which the writer's own writes are visible: a caught-up standby if one answers in time, else the primary. */
    public Connection connectionFor(String writer) throws SQLException {
        Connection standby = standbys.getConnection();
        String lsn = lastWriteLsn.get(writer);
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
