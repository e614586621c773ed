package org.pagila.cluster.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pagila.cluster.ClusterSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** The backup commands as picocli subcommands of `cluster/pagila-cluster`; the arguments are parsed by {@link BackupCli}. */
public final class BackupCommands {
    private BackupCommands() {
    }

    abstract static class Forward implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        /** The subcommand as picocli matched it: its @Command name is the one word BackupCli dispatches on. */
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<String> all = new ArrayList<>(List.of(spec.name()));
            all.addAll(args);
            return BackupCli.run(ClusterSettings.fromSystem(), all);
        }
    }

    // customSynopsis: picocli sees no parameters here (BackupCli parses them), so `--help` shows them from this line
    @Command(name = "backup", customSynopsis = "pagila-cluster backup [--from NODE]",
            description = "Base backup from a healthy standby (--from NODE), verified, then retention.")
    public static final class Backup extends Forward {
    }

    @Command(name = "backups", customSynopsis = "pagila-cluster backups", description = "Kept backups and the window a restore can reach.")
    public static final class Backups extends Forward {
    }

    @Command(name = "restore", customSynopsis = "pagila-cluster restore [BACKUP] [--to TIME | --to-lsn LSN | --latest]"
            + " [--port P]", description = "Restore a backup into an isolated node (port P, default 15499), replayed to the"
            + " target and promoted.")
    public static final class Restore extends Forward {
    }

    @Command(name = "restore-stop", customSynopsis = "pagila-cluster restore-stop PORT",
            description = "Stop and remove the restored node on PORT.")
    public static final class RestoreStop extends Forward {
    }

    @Command(name = "archive-collect", customSynopsis = "pagila-cluster archive-collect",
            description = "Copy WAL the archive here lacks from nodes that archive on their own"
            + " machines (VMs); where the nodes share one folder there is nothing to collect.")
    public static final class ArchiveCollect extends Forward {
    }

    @Command(name = "switchover", customSynopsis = "pagila-cluster switchover [NODE]",
            description = "Planned role change without loss: NODE (default: the freshest standby) becomes the primary.")
    public static final class Switchover extends Forward {
    }

    @Command(name = "backup-timer", customSynopsis = "pagila-cluster backup-timer DIR [--every MINUTES]",
            description = "Write into DIR a systemd timer and service, and a cron line, that back up every 30 minutes (--every).")
    public static final class BackupTimer extends Forward {
    }
}
