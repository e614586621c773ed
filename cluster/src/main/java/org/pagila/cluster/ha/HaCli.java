package org.pagila.cluster.ha;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/**
 * The cluster command's verbs for a Patroni cluster. Every change of roles goes through Patroni's REST API; we never
 * promote or re-point a node behind Patroni's back.
 */
public final class HaCli {
    public static final String USAGE = """
            with Patroni (up --ha; the other commands then act on that cluster by themselves):
              up --ha       etcd (3 members), Patroni on the four nodes (PostgreSQL 15), Pagila, HAProxy
              kill NODE     SIGKILL of the node's PostgreSQL only: its Patroni restarts it in place
              crash NODE    SIGKILL of the node's Patroni and PostgreSQL together (a power loss): Patroni fails over
                            once the leader key expires (ttl)
              start NODE [--no-wait]  start the node's Patroni: a former primary comes back as a standby (pg_rewind);
                            waits until it runs as a member, unless --no-wait
              stop NODE     stop the node's Patroni and PostgreSQL cleanly (a leader hands over first)
              switchover [NODE]  planned change of leader through Patroni (to NODE, or Patroni's choice)
              promote [NODE]     failover through Patroni to NODE (default: the standby least behind)
              sync on|off|strict Patroni's synchronous_mode (strict: no writes without a synchronous standby)
              demo          the classroom failover against the running store: crash the leader, Patroni promotes
              backup [--from NODE], backups, restore ..., restore-stop PORT, backup-timer DIR: as without Patroni
                            (the leader as Patroni reports it is checked first; WAL archiving is in Patroni's parameters)
            settings: PAGILA_HA_REST_PORT (8008: members' REST APIs 8008..8011), PAGILA_HA_ETCD_PORT (2379: client
                      and peer ports 2379..2384), PAGILA_HA_HAPROXY_PORT (5000: read-write; +1 read-only),
                      PAGILA_HA_TTL (20), PAGILA_HA_LOOP_WAIT (2), PAGILA_HA_RETRY_TIMEOUT (5) at the first up
            """;

    private HaCli() {
    }

    /** True when these arguments are for the Patroni profile: `up --ha`, or any command on a Patroni cluster. */
    public static boolean handles(List<String> args) {
        if (args.isEmpty() || args.get(0).equals("kvm")) {
            return false; // kvm has its own clusters, and its own --ha (KvmCli)
        }
        if (args.contains("--ha")) {
            return true;
        }
        // a staff password is set over SQL on whichever node is primary, Patroni or not; demo drives the store and
        // picks Patroni's faults by itself (--fault auto)
        return !List.of("staff-password", "demo").contains(args.get(0)) && PatroniCluster.isPatroniCluster(HaSettings.fromSystem());
    }

    public static int run(List<String> args) {
        HaSettings ha = HaSettings.fromSystem();
        boolean wait = !args.contains("--no-wait");
        List<String> rest = args.stream().filter(a -> !a.equals("--ha") && !a.equals("--no-wait")).toList();
        String command = rest.isEmpty() ? "" : rest.get(0);
        Optional<String> node = rest.size() > 1 ? Optional.of(rest.get(1)) : Optional.empty();
        if (command.isEmpty() || command.equals("--help")) {
            System.err.print(USAGE);
            return 2;
        }
        PatroniCluster cluster = new PatroniCluster(ha, new Progress(System.out, command.equals("up") ? PatroniCluster.UP_STEPS : 1));
        if (!command.equals("switchover") && org.pagila.cluster.backup.BackupCli.handles(command)) {
            // the one backup implementation, with Patroni's view deciding the leader and the source
            return org.pagila.cluster.backup.BackupCli.run(ha.cluster(), () -> new PatroniBackupCluster(cluster), rest);
        }
        Members members = cluster.members();
        switch (command) {
            case "up" -> cluster.up();
            case "status" -> System.out.print(new HaStatus(cluster).table()
                    + org.pagila.cluster.backup.BackupCli.archiveStatus(ha.cluster()));
            case "down" -> cluster.down();
            case "destroy" -> cluster.destroy();
            case "kill" -> {
                String member = required(node, command, ha);
                System.out.println(members.killPostgres(member)
                        .map(pid -> member + ": PostgreSQL killed (SIGKILL to postmaster " + pid + "); Patroni restarts it in place")
                        .orElse(member + ": PostgreSQL was not running"));
            }
            case "crash" -> {
                String member = required(node, command, ha);
                System.out.println(member + ": crashed (SIGKILL to " + members.crash(member).size()
                        + " processes: Patroni, postmaster, backends). A leader's key expires within ttl ("
                        + ha.timings().ttl() + " s); then Patroni promotes a standby.");
            }
            case "start", "rejoin" -> start(cluster, required(node, command, ha), wait);
            case "stop" -> {
                members.stop(required(node, command, ha));
                System.out.println(node.get() + ": Patroni and PostgreSQL stopped");
            }
            case "switchover" -> {
                String leader = cluster.rest().view().flatMap(PatroniRest.View::leader).map(PatroniRest.Member::name)
                        .orElseThrow(() -> new ClusterException("No leader to switch over from; use `promote NODE`"));
                System.out.println(cluster.rest().switchover(leader, node));
            }
            case "promote" -> System.out.println(cluster.rest().failover(node.orElseGet(() -> bestCandidate(cluster))));
            case "sync" -> sync(cluster, node.orElse(""));
            default -> {
                System.err.print("unknown command for a Patroni cluster: " + command + "\n" + USAGE);
                return 2;
            }
        }
        return 0;
    }

    private static void start(PatroniCluster cluster, String member, boolean wait) {
        cluster.members().start(member, cluster.secrets());
        if (!wait) {
            System.out.println(member + ": Patroni started; it rejoins as a standby of the leader (a former primary is rewound first)");
            return;
        }
        System.out.println(member + ": Patroni started; waiting until it runs as a member (a former primary is rewound first)");
        cluster.members().await(cluster.rest(), member + " running", Duration.ofSeconds(180),
                v -> v.members().stream().anyMatch(m -> m.name().equals(member) && m.isRunningOrStreaming()));
        System.out.print(new HaStatus(cluster).table());
    }

    /** The standby Patroni would choose: running, least behind. */
    public static String bestCandidate(PatroniCluster cluster) {
        return cluster.rest().view().flatMap(v -> v.members().stream()
                        .filter(m -> !m.isLeader() && m.isRunningOrStreaming())
                        .min(java.util.Comparator.comparing(m -> m.lagBytes().orElse(Long.MAX_VALUE))))
                .map(PatroniRest.Member::name)
                .orElseThrow(() -> new ClusterException("No running standby to promote"));
    }

    private static void sync(PatroniCluster cluster, String mode) {
        Map<String, Object> change = switch (mode) {
            case "on" -> Map.of("synchronous_mode", true, "synchronous_mode_strict", false);
            case "strict" -> Map.of("synchronous_mode", true, "synchronous_mode_strict", true);
            case "off" -> Map.of("synchronous_mode", false, "synchronous_mode_strict", false);
            default -> throw new ClusterException("sync needs on, off or strict (Patroni 3.0.2 has no quorum mode)");
        };
        cluster.rest().patchConfig(change);
        boolean wantsStandby = !mode.equals("off");
        PatroniRest.View view = cluster.members().await(cluster.rest(), "synchronous mode " + mode, Duration.ofSeconds(60),
                v -> v.syncMode().equals(mode) && (wantsStandby != v.syncStandbys().isEmpty()));
        System.out.println("synchronous mode: " + view.syncMode() + "; synchronous standby: "
                + (view.syncStandbys().isEmpty() ? "none" : String.join(", ", view.syncStandbys())));
    }

    private static String required(Optional<String> node, String command, HaSettings ha) {
        String name = node.orElseThrow(() -> new ClusterException(command + " needs a node name: " + ha.members()));
        return ha.pg(name).name();
    }
}
