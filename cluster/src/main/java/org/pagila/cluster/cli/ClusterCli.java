package org.pagila.cluster.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.backup.BackupCli;
import org.pagila.cluster.backup.BackupCommands;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `cluster/pagila-cluster COMMAND`: argument parsing only; the engine does the work. */
@Command(name = "pagila-cluster", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "The Pagila Store cluster: a primary and three hot standbys.",
        // footer lines under 80 characters: picocli rewraps longer ones mid-phrase in an 80-column terminal
        footer = {"", "Settings (environment): PAGILA_CLUSTER_NAME (dev), PAGILA_CLUSTER_HOME,",
                "  PAGILA_CLUSTER_HOSTS, PG_BIN (a local PostgreSQL bin directory), PAGILA_DIR",
                "With Patroni: `up --ha` (etcd, Patroni, HAProxy); then",
                "  kill|crash|start|stop NODE, switchover|promote [NODE], sync on|off|strict",
                "  act through Patroni. `pagila-cluster --ha` alone lists them."},
        subcommands = {ClusterCli.Up.class, ClusterCli.Status.class, NodeCommands.Stop.class, NodeCommands.Start.class,
                NodeCommands.Kill.class, NodeCommands.Freeze.class, NodeCommands.Thaw.class, NodeCommands.Promote.class,
                NodeCommands.Rejoin.class, ClusterCli.Down.class, ClusterCli.Destroy.class, ClusterCli.StaffPassword.class,
                KvmCli.class, org.pagila.cluster.demo.DemoCommand.class, BackupCommands.Backup.class,
                BackupCommands.Backups.class, BackupCommands.Restore.class, BackupCommands.RestoreStop.class,
                BackupCommands.Switchover.class, BackupCommands.BackupTimer.class, BackupCommands.ArchiveCollect.class,
                org.pagila.cluster.history.GrowCommand.class})
public final class ClusterCli implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        // `up --ha`, and every command on a cluster made by it, belong to the Patroni profile (its own verbs and parser)
        if (org.pagila.cluster.ha.HaCli.handles(java.util.List.of(args))) {
            try {
                return org.pagila.cluster.ha.HaCli.run(java.util.List.of(args));
            } catch (RuntimeException e) {
                return CliErrors.report(e, new java.io.PrintWriter(System.err, true), CliErrors.traceRequested());
            }
        }
        return commandLine().execute(args);
    }

    /** The parser with the error handling an operator sees; tests run commands through it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ClusterCli());
        withHelpOptions(cli);
        cli.setExecutionExceptionHandler((e, line, parsed) -> CliErrors.report(e, line.getErr(), CliErrors.traceRequested()));
        return cli;
    }

    /**
     * Every subcommand answers -h/--help with its usage. Without it `backup --help` took a backup (the backup commands
     * pass unknown words on) and `up --help` was an error. Not through scope INHERIT: that would also repeat this
     * command's footer under every subcommand's usage and parse error. Help only: no version is known to print.
     */
    private static void withHelpOptions(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null) {
                spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
            withHelpOptions(sub);
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    static EmbeddedCluster cluster(int steps) {
        return new EmbeddedCluster(ClusterSettings.fromSystem(), new Progress(System.out, steps));
    }

    @Command(name = "up", description = "Bring the cluster up (first time: init, load Pagila, clone standbys); idempotent.")
    static final class Up implements Runnable {
        @Override
        public void run() {
            cluster(7).up();
        }
    }

    @Command(name = "status", description = "One row per node: role, address, WAL position, lag, slot.")
    static final class Status implements Runnable {
        @Override
        public void run() {
            System.out.print(cluster(1).statusTable() + BackupCli.archiveStatus(ClusterSettings.fromSystem()));
        }
    }

    @Command(name = "down", description = "Stop every node, keeping the data.")
    static final class Down implements Runnable {
        @Override
        public void run() {
            cluster(1).down();
        }
    }

    @Command(name = "destroy", description = "Stop every node and delete the cluster's data and secrets.")
    static final class Destroy implements Runnable {
        @Override
        public void run() {
            cluster(1).destroy();
        }
    }

    @Command(name = "staff-password", description = "Give a staff member (Mike, Jon) a new generated sign-in password and print it.")
    static final class StaffPassword implements Runnable {
        @Parameters(paramLabel = "USERNAME", description = "Pagila's staff: Mike, Jon")
        String username;

        @Override
        public void run() {
            ClusterSettings settings = ClusterSettings.fromSystem();
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

    static Optional<String> optional(String value) {
        return Optional.ofNullable(value);
    }
}
