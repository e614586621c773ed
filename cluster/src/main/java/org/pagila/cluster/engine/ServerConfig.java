package org.pagila.cluster.engine;

import java.util.List;
import org.pagila.cluster.secrets.Secrets;

/**
 * The contents of every file the engine writes into a node's configuration, produced once for every layout and
 * transport: server settings, who may connect from where, and where a standby streams from.
 */
public final class ServerConfig {
    private ServerConfig() {
    }

    /** The settings file of one node: common settings, the layout's own, then the node's port and name. */
    public static String settings(Node node) {
        Layout layout = node.layout();
        return common(layout.listenAddresses(node)) + layout.extraSettings()
                + "port = " + node.peerPort() + "\ncluster_name = '" + node.name() + "'\n";
    }

    static String common(String listenAddresses) {
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
                # A crashed primary keeps its recent WAL: pg_rewind reads it back to the last checkpoint both sides
                # share, which may be older than the primary's own last one. Past that, rejoin makes a fresh clone.
                wal_keep_size = '128MB'
                wal_log_hints = on
                password_encryption = 'scram-sha-256'
                max_connections = 100
                shared_buffers = '64MB'
                logging_collector = off
                log_line_prefix = '%%m [%%p] %%q%%u@%%d '
                """.formatted(listenAddresses);
    }

    /**
     * Who may connect from where: the superuser only from adminCidr (the machine running the tooling), the store's
     * logins to their own database, the replicator only to replicate, the rewind role only to database postgres.
     */
    public static String hba(Layout layout, String clientCidr, String adminCidr) {
        return layout.hbaPreamble() + """
                # TYPE  DATABASE     USER                                    ADDRESS          METHOD
                host    all          %1$-39s %2$-16s scram-sha-256
                host    pagila       %3$-39s %4$-16s scram-sha-256
                host    postgres     %5$-39s %4$-16s scram-sha-256
                host    replication  %6$-39s %4$-16s scram-sha-256
                """.formatted(Secrets.SUPERUSER, adminCidr,
                String.join(",", Secrets.APP_USER, Secrets.OWNER_USER, Secrets.MONITOR_USER), clientCidr,
                String.join(",", Secrets.BACKUP_USER, Secrets.REWIND_USER), Secrets.REPLICATION_USER);
    }

    /** The node's password file (mode 600): its standby's WAL receiver, pg_basebackup and pg_rewind read it. */
    public static String pgpass(Secrets secrets) {
        StringBuilder lines = new StringBuilder();
        for (String user : List.of(Secrets.REPLICATION_USER, Secrets.REWIND_USER, Secrets.SUPERUSER)) {
            lines.append("*:*:*:").append(user).append(':').append(secrets.password(user)).append('\n');
        }
        return lines.toString();
    }

    /** postgresql.auto.conf of a standby: where it streams from, under which name, through which slot. */
    public static String standbySettings(Node standby, Node primary) {
        return "primary_conninfo = " + Roles.quote(conninfo(standby, primary)) + "\n"
                + "primary_slot_name = " + Roles.quote(standby.slot()) + "\n";
    }

    /**
     * Re-points a running standby at another primary without a restart (both settings reload since PostgreSQL 13);
     * it follows the new timeline by itself. One statement per element.
     */
    public static List<String> followStatements(Node standby, Node primary) {
        return List.of(
                "ALTER SYSTEM SET primary_conninfo = " + Roles.quote(conninfo(standby, primary)),
                "ALTER SYSTEM SET primary_slot_name = " + Roles.quote(standby.slot()),
                "SELECT pg_reload_conf()");
    }

    /**
     * The replicator's password stays in the standby's own password file (passfile): anyone allowed to read settings
     * (pg_read_all_settings, pg_monitor) sees primary_conninfo, so it must not carry the password.
     */
    static String conninfo(Node standby, Node primary) {
        return "host=" + primary.peerHost() + " port=" + primary.peerPort() + " user=" + Secrets.REPLICATION_USER
                + " passfile=" + standby.layout().pgpassFile() + " application_name=" + standby.name();
    }

    /** pg_rewind's source: the new primary, as the rewind role (password from the node's password file). */
    static String rewindSource(Node primary) {
        return "host=" + primary.peerHost() + " port=" + primary.peerPort() + " user=" + Secrets.REWIND_USER + " dbname=postgres";
    }
}
