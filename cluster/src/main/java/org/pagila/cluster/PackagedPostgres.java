package org.pagila.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL as Debian and Ubuntu package it (and the PostgreSQL apt repository does): the cluster "main" with
 * its configuration under /etc, its data under /var/lib/postgresql and pg_ctlcluster to control it (which hands
 * over to systemd where systemd runs). The VMs and the container image share this layout, so one plan fits both.
 */
public record PackagedPostgres(String version, int port) {
    public static final String OS_USER = "postgres";

    public String bin(String program) {
        return "/usr/lib/postgresql/" + version + "/bin/" + program;
    }

    public String dataDir() {
        return "/var/lib/postgresql/" + version + "/main";
    }

    public String confDir() {
        return "/etc/postgresql/" + version + "/main";
    }

    /** Debian's postgresql.conf ends with include_dir 'conf.d': our settings go there and win. */
    public String settingsFile() {
        return confDir() + "/conf.d/pagila-cluster.conf";
    }

    public String hbaFile() {
        return confDir() + "/pg_hba.conf";
    }

    /** The home of the postgres OS user. */
    public String home() {
        return "/var/lib/postgresql";
    }

    public String socketDir() {
        return "/var/run/postgresql";
    }

    public String logFile() {
        return "/var/log/postgresql/postgresql-" + version + "-main.log";
    }

    /** pg_ctlcluster VERSION main ACTION [options]: run as root it goes through systemd where systemd runs. */
    public List<String> ctl(String action, String... options) {
        List<String> command = new ArrayList<>(List.of("pg_ctlcluster", version, "main", action));
        command.addAll(List.of(options));
        return command;
    }
}
