package org.pagila.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What makes a node a replication primary for the store: server settings, who may connect from where,
 * the roles, and one physical slot per standby. Settings and file contents are produced here once, for
 * whichever transport writes them.
 */
public final class PrimarySetup {
    private PrimarySetup() {
    }

    /** Server settings shared by every node (standbys inherit them through the clone). */
    public static String serverSettings(String listenAddresses) {
        return """
                # Pagila Store cluster settings (written by the cluster tooling)
                listen_addresses = '%s'
                unix_socket_directories = ''
                wal_level = replica
                max_wal_senders = 10
                max_replication_slots = 10
                hot_standby = on
                hot_standby_feedback = on
                # A standby that stays away cannot fill the primary's disk: past this its slot is invalidated.
                max_slot_wal_keep_size = '2GB'
                wal_log_hints = on
                password_encryption = 'scram-sha-256'
                max_connections = 100
                shared_buffers = '64MB'
                logging_collector = off
                log_line_prefix = '%%m [%%p] %%q%%u@%%d '
                """.formatted(listenAddresses);
    }

    /** Per-node settings, kept in postgresql.auto.conf so ALTER SYSTEM can change them later. */
    public static String nodeSettings(String nodeName, int port) {
        return "port = " + port + "\ncluster_name = '" + nodeName + "'\n";
    }

    /** Standby settings: where to stream from, under which name, through which slot. */
    public static String standbySettings(String nodeName, String primaryHost, int primaryPort, String replicationPassword) {
        return "primary_conninfo = '" + conninfo(nodeName, primaryHost, primaryPort, replicationPassword) + "'\n"
                + "primary_slot_name = '" + StandbyCloner.slotName(nodeName) + "'\n";
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

    /**
     * Re-points a running standby at another primary without a restart (both settings reload since PostgreSQL 13);
     * it follows the new timeline by itself. One statement per element, for psql or JDBC alike.
     */
    public static List<String> followStatements(String nodeName, String primaryHost, int primaryPort, String replicationPassword) {
        return List.of(
                "ALTER SYSTEM SET primary_conninfo = " + quote(conninfo(nodeName, primaryHost, primaryPort, replicationPassword)),
                "ALTER SYSTEM SET primary_slot_name = " + quote(StandbyCloner.slotName(nodeName)),
                "SELECT pg_reload_conf()");
    }

    public static String conninfo(String nodeName, String primaryHost, int primaryPort, String replicationPassword) {
        return "host=" + primaryHost + " port=" + primaryPort + " user=" + Secrets.REPLICATION_USER
                + " password=" + replicationPassword + " application_name=" + nodeName;
    }

    /** The superuser and the store connect to their databases; the replicator may only replicate. */
    public static String hba(String clientCidr) {
        return """
                # TYPE  DATABASE     USER         ADDRESS          METHOD
                host    all          %1$s     %2$-16s scram-sha-256
                host    pagila       %3$s   %2$-16s scram-sha-256
                host    replication  %4$s   %2$-16s scram-sha-256
                """.formatted(Secrets.SUPERUSER, clientCidr, Secrets.APP_USER, Secrets.REPLICATION_USER);
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
            s.execute("GRANT CONNECT ON DATABASE pagila TO " + Secrets.APP_USER);
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

    static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }
}
