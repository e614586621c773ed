package org.pagila.cluster.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.pagila.cluster.Progress;
import org.pagila.cluster.kvm.KvmConfig;
import org.pagila.cluster.kvm.KvmTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** `cluster/pagila-cluster kvm COMMAND [--config FILE]`: the KVM topology's commands. */
@Command(name = "kvm", description = "The KVM topology (plan, apply, status, promote, rejoin, destroy, render).",
        footer = {"", "Configuration: cluster/kvm/topology.properties (or --config FILE,",
                "or PAGILA_KVM_CONFIG); with --ha e.g. cluster/kvm/topology-ha.properties",
                "(four VMs)"},
        subcommands = {KvmCli.Plan.class, KvmCli.Apply.class, KvmCli.Status.class, KvmCli.Promote.class, KvmCli.Rejoin.class,
                KvmCli.Destroy.class, KvmCli.Render.class, KvmCli.Backup.class, KvmCli.Backups.class, KvmCli.Restore.class,
                KvmCli.RestoreStop.class, KvmCli.ArchiveCollect.class})
final class KvmCli implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "the topology file (default: PAGILA_KVM_CONFIG or cluster/kvm/topology.properties)")
    Path config;

    @Option(names = "--ha", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "the Patroni profile: Patroni and etcd on the VMs (every member a VM), Patroni decides the leader")
    boolean ha;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** `kvm` alone is an incomplete command: its usage, and the status the top level gives for no command. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    KvmConfig config() {
        return KvmConfig.load(Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(System.getenv("PAGILA_KVM_CONFIG")).map(Path::of)).orElse(KvmConfig.DEFAULT_FILE));
    }

    KvmTopology topology() {
        return new KvmTopology(config(), new Progress(System.out, 3), ha);
    }

    abstract static class Sub implements Runnable {
        @ParentCommand
        KvmCli kvm;
    }

    @Command(name = "plan", description = "Print every action apply would take, in order; changes nothing.")
    static final class Plan extends Sub {
        @Override
        public void run() {
            System.out.print(kvm.topology().plan());
        }
    }

    @Command(name = "apply", description = "Build the topology (network, golden image, VMs, PostgreSQL); run again to converge.")
    static final class Apply extends Sub {
        @Override
        public void run() {
            kvm.topology().apply();
        }
    }

    @Command(name = "status", description = "One row per node: role, address, WAL position, lag, slot.")
    static final class Status extends Sub {
        @Override
        public void run() {
            System.out.print(kvm.topology().statusTable());
        }
    }

    @Command(name = "promote", description = "Failover: fence the old primary, promote NODE (default: the standby that received most).")
    static final class Promote extends Sub {
        @Parameters(paramLabel = "NODE", arity = "0..1")
        String node;

        @Override
        public void run() {
            kvm.topology().promote(Optional.ofNullable(node));
        }
    }

    @Command(name = "rejoin", description = "Make NODE (e.g. the old primary) a standby of the current primary: pg_rewind, else a fresh clone.")
    static final class Rejoin extends Sub {
        @Parameters(paramLabel = "NODE")
        String node;

        @Override
        public void run() {
            kvm.topology().rejoin(node);
        }
    }

    @Command(name = "destroy", description = "Remove what apply created (its record in the work directory), nothing else.")
    static final class Destroy extends Sub {
        @Override
        public void run() {
            kvm.topology().destroy();
        }
    }

    /** The backup commands on the topology's nodes, named by their command; the backup CLI parses their arguments. */
    abstract static class BackupSub extends Sub {
        @picocli.CommandLine.Unmatched
        java.util.List<String> args = new java.util.ArrayList<>();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec command;

        @Override
        public void run() {
            java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(command.name()));
            all.addAll(args);
            kvm.topology().backupCommand(all);
        }
    }

    @Command(name = "backup", description = "Base backup of the topology (from a healthy standby unless --from NODE), verified.")
    static final class Backup extends BackupSub {
    }

    @Command(name = "backups", description = "The topology's kept backups and the window a restore can reach.")
    static final class Backups extends BackupSub {
    }

    @Command(name = "restore", customSynopsis = "pagila-cluster kvm restore [BACKUP] [--to TIME | --to-lsn LSN | --latest] [--port P]",
            description = "Restore a topology backup into an isolated node on this host, replayed to the target and promoted.")
    static final class Restore extends BackupSub {
    }

    @Command(name = "restore-stop", customSynopsis = "pagila-cluster kvm restore-stop PORT",
            description = "Stop and remove the restored node on PORT.")
    static final class RestoreStop extends BackupSub {
    }

    @Command(name = "archive-collect", description = "Copy the WAL segments and history files the host's archive lacks from every"
            + " reachable node's own archive (backup and restore do it first by themselves).")
    static final class ArchiveCollect extends BackupSub {
    }

    @Command(name = "render", description = "Write the generated files (libvirt XML, cloud-init seeds) under DIR, to read or validate.")
    static final class Render extends Sub {
        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public void run() {
            kvm.topology().render(dir);
            System.out.println("generated files written under " + dir);
        }
    }
}
