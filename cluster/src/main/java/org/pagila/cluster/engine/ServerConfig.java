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
        return common(layout.listenAddresses()) + layout.extraSettings()
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
                wal_log_hints = on
                password_encryption = 'scram-sha-256'
                max_connections = 100
                shared_buffers = '64MB'
                logging_collector = off
                log_line_prefix = '%%m [%%p] %%q%%u@%%d '
                """.formatted(listenAddresses);
    }

    /** The superuser and the store connect to their databases; the replicator may only replicate. */
    public static String hba(Layout layout, String clientCidr) {
        return layout.hbaPreamble() + """
                # TYPE  DATABASE     USER         ADDRESS          METHOD
                host    all          %1$s     %2$-16s scram-sha-256
                host    pagila       %3$s   %2$-16s scram-sha-256
                host    replication  %4$s   %2$-16s scram-sha-256
                """.formatted(Secrets.SUPERUSER, clientCidr, Secrets.APP_USER, Secrets.REPLICATION_USER);
    }

    public static String pgpass(Secrets secrets) {
        return "*:*:*:" + Secrets.REPLICATION_USER + ":" + secrets.password(Secrets.REPLICATION_USER) + "\n"
                + "*:*:*:" + Secrets.SUPERUSER + ":" + secrets.password(Secrets.SUPERUSER) + "\n";
    }

    /** postgresql.auto.conf of a standby: where it streams from, under which name, through which slot. */
    public static String standbySettings(Node standby, Node primary, Secrets secrets) {
        return "primary_conninfo = " + Roles.quote(conninfo(standby, primary, secrets)) + "\n"
                + "primary_slot_name = " + Roles.quote(standby.slot()) + "\n";
    }

    /**
     * Re-points a running standby at another primary without a restart (both settings reload since PostgreSQL 13);
     * it follows the new timeline by itself. One statement per element.
     */
    public static List<String> followStatements(Node standby, Node primary, Secrets secrets) {
        return List.of(
                "ALTER SYSTEM SET primary_conninfo = " + Roles.quote(conninfo(standby, primary, secrets)),
                "ALTER SYSTEM SET primary_slot_name = " + Roles.quote(standby.slot()),
                "SELECT pg_reload_conf()");
    }

    static String conninfo(Node standby, Node primary, Secrets secrets) {
        return "host=" + primary.peerHost() + " port=" + primary.peerPort() + " user=" + Secrets.REPLICATION_USER
                + " password=" + secrets.password(Secrets.REPLICATION_USER) + " application_name=" + standby.name();
    }

    /** pg_rewind's source: the new primary, as the superuser (password from the node's password file). */
    static String rewindSource(Node primary) {
        return "host=" + primary.peerHost() + " port=" + primary.peerPort() + " user=" + Secrets.SUPERUSER + " dbname=postgres";
    }
}
