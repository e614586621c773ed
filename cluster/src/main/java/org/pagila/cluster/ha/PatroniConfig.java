package org.pagila.cluster.ha;

import java.nio.file.Path;
import java.util.List;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.WalArchive;
import org.pagila.cluster.secrets.Secrets;

/**
 * One member's patroni.yml, rendered from a record. The bootstrap section (timings, replication settings, slots,
 * pg_rewind) is written into etcd by the first member and is the cluster's from then on; `sync` and timing changes
 * go through Patroni's dynamic configuration, never through this file.
 */
public record PatroniConfig(String scope, String member, String address, String clientNetwork, String adminAddress, int pgPort,
                            int restPort, List<String> etcdHosts, Path dataDir, Path pgBin, Path socketDir, PatroniTimings timings,
                            String superuserPassword, String replicationPassword, String rewindPassword, String restPassword,
                            WalArchive archive) {

    /** A member on loopback (`up --ha`): everything listens on 127.0.0.1 and only loopback clients are admitted. */
    public static PatroniConfig of(HaSettings ha, String member, Secrets secrets) {
        return new PatroniConfig(ha.scope(), member, "127.0.0.1", "127.0.0.1/32", "127.0.0.1", ha.pg(member).port(),
                ha.restPort(member), ha.etcdHosts(), ha.dataDir(member), ha.pgBin(), ha.memberDir(member), ha.timings(),
                secrets.password(Secrets.SUPERUSER), secrets.password(Secrets.REPLICATION_USER), secrets.password(Secrets.REWIND_USER),
                restPassword(secrets), new WalArchive(BackupSettings.fromSystem(ha.cluster())));
    }

    /** Patroni's REST API asks for this on every changing call (switchover, failover, PATCH /config). */
    public static String restPassword(Secrets secrets) {
        String password = secrets.get("patroni.rest.password");
        if (password == null) {
            password = Secrets.generate();
            secrets.put("patroni.rest.password", password);
        }
        return password;
    }

    public static final String REST_USER = "patroni";

    public String render() {
        return TEMPLATE.formatted(scope, member, address + ":" + restPort, REST_USER, restPassword,
                String.join(", ", etcdHosts.stream().map(h -> "'" + h + "'").toList()),
                timings.ttl(), timings.loopWait(), timings.retryTimeout(),
                address + ":" + pgPort, dataDir, pgBin, dataDir.getParent().resolve("pgpass"),
                Secrets.SUPERUSER, superuserPassword, Secrets.REPLICATION_USER, replicationPassword,
                socketDir, Secrets.APP_USER, hba(), WalArchive.ARCHIVE_MODE, archive.archiveCommand(), archive.archiveTimeout(),
                Secrets.REWIND_USER, rewindPassword);
    }

    /**
     * The same rules at bootstrap (initdb) and afterwards: scram-sha-256 everywhere; the superuser only over the local
     * socket, from the member itself (Patroni's own connection goes to its listen address) and from the machine that
     * runs the tooling (adminAddress); the replicator may only replicate; the store's three logins (its reads and
     * writes, the schema owner, the cluster poller) only to pagila; the backup and rewind logins only to postgres,
     * where their functions' rights live. No member needs the superuser of another: pg_rewind uses the rewind login.
     */
    private String hba() {
        List<String> lines = new java.util.ArrayList<>(List.of("  pg_hba:",
                "    - local   all          %1$s                         scram-sha-256".formatted(Secrets.SUPERUSER)));
        for (String from : new java.util.LinkedHashSet<>(List.of(address, adminAddress))) {
            lines.add("    - host    all          %1$s         %2$s/32    scram-sha-256".formatted(Secrets.SUPERUSER, from));
        }
        lines.add("    - host    pagila       %1$s    %2$s    scram-sha-256".formatted(
                String.join(",", Secrets.APP_USER, Secrets.OWNER_USER, Secrets.MONITOR_USER), clientNetwork));
        lines.add("    - host    postgres     %1$s    %2$s    scram-sha-256".formatted(
                String.join(",", Secrets.BACKUP_USER, Secrets.REWIND_USER), clientNetwork));
        lines.add("    - host    replication  %1$s    %2$s    scram-sha-256".formatted(Secrets.REPLICATION_USER, clientNetwork));
        return String.join("\n", lines);
    }

    // %1$s scope, %2$s member, %3$s REST address:port, %4$s/%5$s REST login, %6$s etcd hosts, %7$d..%9$d timings, %10$s PostgreSQL address:port,
    // %11$s data dir, %12$s bin dir, %13$s pgpass, %14$s/%15$s superuser, %16$s/%17$s replicator, %18$s socket dir,
    // %19$s the store's role, %20$s the pg_hba rules. Patroni's validator (3.0.2) asks for bootstrap.pg_hba and a rewind
    // login: the rules are the same in both places. %21$s..%23$s WAL archiving (archive_mode, archive_command,
    // archive_timeout). %24$s/%25$s the rewind login: Patroni makes it at bootstrap with exactly the four file functions
    // pg_rewind needs (patroni/postgresql/bootstrap.py, post_bootstrap) and rewinds as it, so pg_rewind between members
    // never needs the superuser, whose pg_hba rule then names single addresses, not the members' network.
    private static final String TEMPLATE = """
            # Generated by cluster/pagila-cluster (up --ha, kvm apply --ha); rewritten every time, so edit the generator, not this file.
            scope: %1$s
            name: %2$s
            restapi:
              listen: %3$s
              connect_address: %3$s
              authentication:
                username: %4$s
                password: '%5$s'
            ctl:
              insecure: true
            etcd3:
              hosts: [%6$s]
            bootstrap:
              dcs:
                ttl: %7$d
                loop_wait: %8$d
                retry_timeout: %9$d
                # a standby more than 1 MiB behind is not promoted (async mode can lose at most that much)
                maximum_lag_on_failover: 1048576
                synchronous_mode: false
                synchronous_mode_strict: false
                postgresql:
                  use_pg_rewind: true
                  use_slots: true
                  parameters:
                    wal_level: replica
                    hot_standby: 'on'
                    hot_standby_feedback: 'on'
                    wal_log_hints: 'on'
                    max_wal_senders: 10
                    max_replication_slots: 10
                    max_slot_wal_keep_size: 2GB
                    wal_keep_size: 128MB
                    max_connections: 100
                    password_encryption: scram-sha-256
              initdb:
                - encoding: UTF8
                - auth-host: scram-sha-256
                - auth-local: scram-sha-256
            %20$s
            postgresql:
              listen: %10$s
              connect_address: %10$s
              data_dir: %11$s
              bin_dir: %12$s
              pgpass: %13$s
              # clone with an immediate checkpoint: the default (spread) waits most of checkpoint_timeout
              basebackup:
                - checkpoint: fast
              # a former primary that pg_rewind cannot bring back is cloned afresh instead of staying down
              remove_data_directory_on_rewind_failure: true
              remove_data_directory_on_diverged_timelines: true
              authentication:
                superuser:
                  username: %14$s
                  password: '%15$s'
                replication:
                  username: %16$s
                  password: '%17$s'
                rewind:
                  username: %24$s
                  password: '%25$s'
              parameters:
                unix_socket_directories: '%18$s'
                shared_buffers: 64MB
                log_line_prefix: '%%m [%%p] %%q%%u@%%d '
                # WAL archiving from every member, whatever its role: Patroni writes these into each member's
                # postgresql.conf at every start, so archiving survives its config management and follows promotions
                archive_mode: '%21$s'
                archive_command: '%22$s'
                archive_timeout: '%23$s'
            %20$s
            watchdog:
              mode: 'off'
            tags:
              nofailover: false
              noloadbalance: false
              clonefrom: false
              nosync: false
            """;
}
