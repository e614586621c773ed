package org.pagila.cluster.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pagila.cluster.secrets.Secrets;

/**
 * PostgreSQL as Debian and Ubuntu package it (and the PostgreSQL apt repository does): the cluster "main" with
 * its configuration under /etc, its data under /var/lib/postgresql and pg_ctlcluster to control it (which hands
 * over to systemd where systemd runs). The VMs and the container image share this layout.
 */
public record PackagedLayout(String version, int port, boolean listenOnOwnAddress, String archiveSettings) implements Layout {
    public static final String OS_USER = "postgres";

    /**
     * Without WAL archiving, listening on every address ('*'): for containers, whose network namespace holds only
     * their own interface (and whose address changes when a test reconnects them).
     */
    public PackagedLayout(String version, int port) {
        this(version, port, false, "");
    }

    /** The same layout whose nodes archive WAL (the backup tooling's settings; paths as the nodes see them). */
    public PackagedLayout withArchiving(String settings) {
        return new PackagedLayout(version, port, listenOnOwnAddress, settings);
    }

    /** The same layout listening on each node's own address only: the VMs and a primary on the host. */
    public PackagedLayout listeningOnOwnAddress() {
        return new PackagedLayout(version, port, true, archiveSettings);
    }

    @Override
    public String describe() {
        return "packaged PostgreSQL " + version;
    }

    public String bin(String program) {
        return "/usr/lib/postgresql/" + version + "/bin/" + program;
    }

    @Override
    public String program(String name) {
        return bin(name);
    }

    @Override
    public boolean has(String program) {
        return true;
    }

    @Override
    public String dataDir() {
        return "/var/lib/postgresql/" + version + "/main";
    }

    public String confDir() {
        return "/etc/postgresql/" + version + "/main";
    }

    @Override
    public java.util.Optional<String> configDir() {
        return java.util.Optional.of(confDir());
    }

    /** Debian's postgresql.conf ends with include_dir 'conf.d': our settings go there and win. */
    @Override
    public String settingsFile() {
        return confDir() + "/conf.d/pagila-cluster.conf";
    }

    @Override
    public String hbaFile() {
        return confDir() + "/pg_hba.conf";
    }

    /** The home of the postgres OS user. */
    public String home() {
        return "/var/lib/postgresql";
    }

    @Override
    public String pgpassFile() {
        return home() + "/.pgpass";
    }

    public String socketDir() {
        return "/var/run/postgresql";
    }

    @Override
    public String logFile() {
        return "/var/log/postgresql/postgresql-" + version + "-main.log";
    }

    @Override
    public boolean configInDataDir() {
        return false;
    }

    @Override
    public String listenAddresses(Node node) {
        return listenOnOwnAddress ? node.peerHost() : "*";
    }

    @Override
    public String extraSettings() {
        return "# Packaged layout: the local socket stays, for administration as the postgres OS user (peer).\n"
                + "unix_socket_directories = '" + socketDir() + "'\n"
                + "# Nodes on a network: notice a partitioned or frozen peer within seconds, not after a minute.\n"
                + "wal_sender_timeout = '10s'\n"
                + "wal_receiver_timeout = '10s'\n"
                + archiveSettings;
    }

    @Override
    public String hbaPreamble() {
        return "local   all          " + Secrets.SUPERUSER + "                      peer\n";
    }

    @Override
    public String hbaDescription(String clientCidr) {
        return "pg_hba.conf: postgres by peer on the local socket; the store's roles (" + Secrets.APP_USER + ", " + Secrets.OWNER_USER
                + ", " + Secrets.MONITOR_USER + " to pagila; " + Secrets.BACKUP_USER + " to postgres), " + Secrets.REWIND_USER
                + " (postgres) and " + Secrets.REPLICATION_USER + " (replication only) from " + clientCidr + " with scram-sha-256";
    }

    /** pg_ctlcluster VERSION main ACTION [options]: run as root it goes through systemd where systemd runs. */
    @Override
    public List<String> ctl(String action, String... options) {
        List<String> command = new ArrayList<>(List.of("pg_ctlcluster", version, "main", action));
        command.addAll(List.of(options));
        return command;
    }

    @Override
    public boolean ctlAsAdmin() {
        return true;
    }

    @Override
    public Map<String, String> clientEnv() {
        return Map.of();
    }

    @Override
    public List<Step> initSteps(Node node, Supplier<Secrets> secrets) {
        return List.of();
    }

    /** The package's initdb gave the superuser no password: set it as the postgres OS user over the socket. */
    @Override
    public List<Step> passwordSteps(Node node, Supplier<Secrets> secrets) {
        return List.of(Step.of(node.name(), "superuser password, set with psql over the local socket (peer authentication)",
                () -> psqlScript(node, "ALTER ROLE " + Secrets.SUPERUSER + " WITH PASSWORD "
                        + Roles.quote(secrets.get().password(Secrets.SUPERUSER)) + ";\n")));
    }

    /** A script through a file only postgres can read: passwords never appear on a command line. */
    private void psqlScript(Node node, String sql) {
        String file = home() + "/.pagila-plan.sql";
        node.transport().writeFile(file, sql);
        try {
            node.transport().run(List.of(bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", String.valueOf(port),
                    "-d", "postgres", "-f", file));
        } finally {
            node.transport().exec(List.of("rm", "-f", file));
        }
    }

    /** Debian's start.conf: "manual" keeps a fenced former primary from starting at boot; "auto" lets it again. */
    @Override
    public List<List<String>> bootCommands(boolean fenced) {
        return List.of(List.of("sh", "-c", "echo \"$1\" > \"$2\"", "start-conf", fenced ? "manual" : "auto",
                confDir() + "/start.conf"));
    }
}
