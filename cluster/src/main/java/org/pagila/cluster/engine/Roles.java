package org.pagila.cluster.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pagila.cluster.secrets.Secrets;

/**
 * Every piece of SQL that makes a node part of the cluster, in one place: the roles, the slots, promotion and
 * the replication check. Runs over JDBC, so every layout and transport shares it.
 */
public final class Roles {
    private Roles() {
    }

    public static String slotName(String nodeName) {
        return nodeName + "_slot";
    }

    public static void createReplicationRole(Connection postgresDb, String password) throws SQLException {
        try (Statement s = postgresDb.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + Secrets.REPLICATION_USER + "') THEN "
                    + "CREATE ROLE " + Secrets.REPLICATION_USER + " WITH REPLICATION LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + Secrets.REPLICATION_USER + " WITH PASSWORD " + quote(password));
        }
    }

    /** The store's role: reads everything, writes only what the counter records, never a superuser. */
    public static void createAppRole(Connection pagilaDb, String password) throws SQLException {
        try (Statement s = pagilaDb.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + Secrets.APP_USER + "') THEN "
                    + "CREATE ROLE " + Secrets.APP_USER + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; END $$");
            s.execute("ALTER ROLE " + Secrets.APP_USER + " WITH PASSWORD " + quote(password));
            s.execute("GRANT CONNECT ON DATABASE " + currentDatabase(pagilaDb) + " TO " + Secrets.APP_USER);
            s.execute("GRANT USAGE ON SCHEMA public TO " + Secrets.APP_USER);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + Secrets.APP_USER);
            s.execute("GRANT INSERT, UPDATE ON public.rental, public.payment TO " + Secrets.APP_USER);
            s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + Secrets.APP_USER);
            // Replication views (pg_stat_replication, slots) for the store's view of the cluster.
            s.execute("GRANT pg_monitor TO " + Secrets.APP_USER);
        }
    }

    public static void createSlot(Connection postgresDb, String slotName) throws SQLException {
        try (Statement s = postgresDb.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = " + quote(slotName))) {
            rs.next();
            if (rs.getInt(1) == 0) {
                // reserve WAL now, so everything from before the clone's checkpoint stays available
                s.execute("SELECT pg_create_physical_replication_slot(" + quote(slotName) + ", true)");
            }
        }
    }

    public static boolean slotsExist(Connection postgresDb, List<String> slots) throws SQLException {
        try (PreparedStatement s = postgresDb.prepareStatement(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ANY (?)")) {
            s.setArray(1, postgresDb.createArrayOf("text", slots.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) == slots.size();
            }
        }
    }

    /**
     * Promotes the standby on this connection (waiting for it to finish) and creates, on it, the slots the other
     * nodes will stream through.
     */
    public static void promote(Connection standby, List<String> slotsForOthers) throws SQLException {
        try (Statement s = standby.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_promote(true, 60)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new SQLException("promotion did not finish within 60 s");
            }
        }
        for (String slot : slotsForOthers) {
            createSlot(standby, slot);
        }
    }

    /**
     * The standbys (by application_name) that stream from this primary through their own active slot and have
     * replayed at least up to {@code replayedUpTo} (null: wherever they are). One check for every transport.
     */
    public static Set<String> streamingStandbys(Connection primary, String replayedUpTo) throws SQLException {
        Set<String> streaming = new HashSet<>();
        try (PreparedStatement s = primary.prepareStatement("SELECT r.application_name FROM pg_stat_replication r"
                + " JOIN pg_replication_slots s ON s.active_pid = r.pid"
                + " WHERE r.state = 'streaming' AND s.active AND s.slot_name = r.application_name || '_slot'"
                + " AND (?::pg_lsn IS NULL OR r.replay_lsn >= ?::pg_lsn)")) {
            s.setString(1, replayedUpTo);
            s.setString(2, replayedUpTo);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    streaming.add(rs.getString(1));
                }
            }
        }
        return streaming;
    }

    public static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private static String currentDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT quote_ident(current_database())")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
