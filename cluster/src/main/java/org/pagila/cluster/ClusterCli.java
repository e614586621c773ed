package org.pagila.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The cluster command: `cluster/pagila-cluster up|status|stop|start|kill|promote|rejoin|down|destroy|staff-password|kvm`. */
public final class ClusterCli {
    private static final String USAGE = """
            usage: cluster/pagila-cluster COMMAND
              up            bring the cluster up (first time: init, load Pagila, clone standbys); idempotent
              status        one row per node: role, address, WAL position, lag, slot
              stop NODE     stop one node cleanly (NODE: primary, node1, node2, node3)
              start NODE    start one stopped node
              kill NODE     SIGKILL one node's postmaster, as a crash would
              freeze NODE   SIGSTOP all of a node's processes (a hung server); thaw NODE resumes it
              promote [NODE] with the primary gone: promote NODE (default: the standby with the highest
                            replay LSN), create slots on it, re-point the other standbys
              rejoin NODE   bring a former primary (or a broken standby) back as a standby of the primary
              down          stop every node, keeping the data
              destroy       stop every node and delete the cluster's data and secrets
              staff-password USERNAME
                            give a staff member (Mike, Jon) a new generated sign-in password and print it
              grow N        make the rental history N times Pagila's (returned rentals further back in time,
                            with their payments), for benchmarks; adds to earlier growth
              kvm ...       the KVM topology (plan, apply, destroy, ...): `kvm` alone lists its commands
            settings (environment): PAGILA_CLUSTER_NAME (dev), PAGILA_CLUSTER_HOME, PAGILA_CLUSTER_HOSTS,
                                    PG_BIN (a local PostgreSQL bin directory), PAGILA_DIR
            """;

    private ClusterCli() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(List.of(args)));
        } catch (ClusterException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(List<String> args) {
        if (args.isEmpty()) {
            System.err.print(USAGE);
            return 2;
        }
        if (args.get(0).equals("kvm")) {
            return org.pagila.cluster.kvm.KvmCli.run(args.subList(1, args.size()));
        }
        ClusterSettings settings = ClusterSettings.fromSystem();
        String command = args.get(0);
        int steps = switch (command) {
            case "up" -> 7;
            case "promote" -> 2;
            default -> 1;
        };
        EmbeddedCluster cluster = new EmbeddedCluster(settings, new Progress(System.out, steps));
        switch (command) {
            case "up" -> cluster.up();
            case "status" -> System.out.print(cluster.statusTable());
            case "down" -> cluster.down();
            case "destroy" -> cluster.destroy();
            case "promote" -> new Failover(cluster).promote(args.size() > 1 ? java.util.Optional.of(args.get(1)) : java.util.Optional.empty());
            case "rejoin" -> {
                if (args.size() != 2) {
                    System.err.println("rejoin needs a node name: " + ClusterSettings.NODE_NAMES);
                    return 2;
                }
                new Failover(cluster).rejoin(args.get(1));
            }
            case "staff-password" -> {
                if (args.size() != 2) {
                    System.err.println("staff-password needs a staff username (Pagila's are Mike and Jon)");
                    return 2;
                }
                resetStaffPassword(settings, args.get(1));
            }
            case "stop", "start", "kill", "freeze", "thaw" -> {
                if (args.size() != 2) {
                    System.err.println(command + " needs a node name: " + ClusterSettings.NODE_NAMES);
                    return 2;
                }
                switch (command) {
                    case "stop" -> cluster.stop(args.get(1));
                    case "start" -> cluster.start(args.get(1));
                    case "freeze" -> cluster.freeze(args.get(1));
                    case "thaw" -> cluster.thaw(args.get(1));
                    default -> cluster.kill(args.get(1));
                }
            }
            case "grow" -> {
                if (args.size() != 2 || !args.get(1).matches("\\d{1,4}")) {
                    System.err.println("grow needs a factor: grow 10 makes the rental history ten times Pagila's");
                    return 2;
                }
                growHistory(settings, Integer.parseInt(args.get(1)));
            }
            default -> {
                System.err.print("unknown command: " + command + "\n" + USAGE);
                return 2;
            }
        }
        return 0;
    }

    private static void growHistory(ClusterSettings settings, int factor) {
        Secrets secrets = Secrets.load(settings.secretsFile());
        org.pagila.cluster.history.HistoryGrowth.withPrimary(
                () -> Jdbc.connectPrimary(settings, "pagila", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER)),
                owner -> new org.pagila.cluster.history.HistoryGrowth(owner, new Progress(System.out, 1)).grow(factor));
    }

    private static void resetStaffPassword(ClusterSettings settings, String username) {
        Secrets secrets = Secrets.load(settings.secretsFile());
        try (Connection owner = Jdbc.connectPrimary(settings, "pagila", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER))) {
            String password = StaffPasswords.reset(owner, secrets, username);
            System.out.println("New sign-in password for " + username + ": " + password);
            System.out.println("(kept in " + settings.secretsFile() + " as " + StaffPasswords.secretsKey(username) + ")");
        } catch (SQLException e) {
            throw new ClusterException("Cannot reset the password of " + username + " on the primary: " + e.getMessage(), e);
        }
    }
}
