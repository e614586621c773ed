package org.pagila.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The cluster command: `cluster/pagila-cluster up|status|stop NODE|start NODE|kill NODE|down|destroy|staff-password USER`. */
public final class ClusterCli {
    private static final String USAGE = """
            usage: cluster/pagila-cluster COMMAND
              up            bring the cluster up (first time: init, load Pagila, clone standbys); idempotent
              status        one row per node: role, address, WAL position, lag, slot
              stop NODE     stop one node cleanly (NODE: primary, node1, node2, node3)
              start NODE    start one stopped node
              kill NODE     SIGKILL one node's postmaster, as a crash would
              down          stop every node, keeping the data
              destroy       stop every node and delete the cluster's data and secrets
              staff-password USERNAME
                            give a staff member (Mike, Jon) a new generated sign-in password and print it
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
        ClusterSettings settings = ClusterSettings.fromSystem();
        EmbeddedCluster cluster = new EmbeddedCluster(settings, new Progress(System.out, 7));
        String command = args.get(0);
        switch (command) {
            case "up" -> cluster.up();
            case "status" -> System.out.print(cluster.statusTable());
            case "down" -> cluster.down();
            case "destroy" -> cluster.destroy();
            case "staff-password" -> {
                if (args.size() != 2) {
                    System.err.println("staff-password needs a staff username (Pagila's are Mike and Jon)");
                    return 2;
                }
                resetStaffPassword(settings, args.get(1));
            }
            case "stop", "start", "kill" -> {
                if (args.size() != 2) {
                    System.err.println(command + " needs a node name: " + ClusterSettings.NODE_NAMES);
                    return 2;
                }
                switch (command) {
                    case "stop" -> cluster.stop(args.get(1));
                    case "start" -> cluster.start(args.get(1));
                    default -> cluster.kill(args.get(1));
                }
            }
            default -> {
                System.err.print("unknown command: " + command + "\n" + USAGE);
                return 2;
            }
        }
        return 0;
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
