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

    /**
     * The tooling's two logins besides the superuser: the replicator (REPLICATION, for streaming and clones) and the
     * rewind role (pg_rewind's source login: the four file functions PostgreSQL documents for it, instead of a
     * superuser reachable from every node). Function rights live in database postgres, where pg_rewind connects.
     */
    public static void createReplicationRoles(Connection postgresDb, Secrets secrets) throws SQLException {
        try (Statement s = postgresDb.createStatement()) {
            ensureLogin(s, Secrets.REPLICATION_USER, secrets.password(Secrets.REPLICATION_USER), "REPLICATION");
            ensureLogin(s, Secrets.REWIND_USER, secrets.password(Secrets.REWIND_USER), "NOREPLICATION");
            s.execute("GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean), pg_catalog.pg_stat_file(text, boolean),"
                    + " pg_catalog.pg_read_binary_file(text), pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO "
                    + Secrets.REWIND_USER);
        }
    }

    /** A login role with this password and none of the superuser's powers; made if missing, corrected if not. */
    static void ensureLogin(Statement s, String role, String password, String replication) throws SQLException {
        s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                + "CREATE ROLE " + role + " WITH LOGIN; END IF; END $$");
        s.execute("ALTER ROLE " + role + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS " + replication
                + " PASSWORD " + quote(password));
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
}
