package org.pagila.cluster.backup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/** The backup commands of `cluster/pagila-cluster`: argument parsing only, then the classes that do the work. */
public final class BackupCli {
    public static final String USAGE = """
              backup [--from NODE]  base backup (from a healthy standby unless NODE is given), verified, then retention
              backups       kept backups (id, source, times, LSNs, size, verified) and the window a restore can reach
              restore [BACKUP] [--to TIME | --to-lsn LSN | --latest] [--port P]
                            restore into an isolated node on port P (default 15499), replayed to the target and promoted
              restore-stop PORT  stop and remove a restored node
              archive-collect  where each node keeps its own WAL archive (VMs), copy what this machine's archive lacks
                            (backup and restore do it first by themselves)
              switchover [NODE]  planned role change without loss: NODE (default: the freshest standby) becomes primary
              backup-timer DIR [--every MINUTES]  write a systemd timer + service and a cron line (default every 30)
            """;
    private static final Set<String> COMMANDS = Set.of("backup", "backups", "restore", "restore-stop", "switchover",
            "backup-timer", "archive-collect");

    private BackupCli() {
    }

    public static boolean handles(String command) {
        return COMMANDS.contains(command);
    }

    public static int run(ClusterSettings clusterSettings, List<String> args) {
        return run(clusterSettings, () -> BackupCluster.of(cluster(clusterSettings, 5)), args);
    }

    /** The commands on any cluster: {@code nodes} is how this one's nodes are reached (embedded, Patroni...). */
    public static int run(ClusterSettings clusterSettings, java.util.function.Supplier<BackupCluster> nodes, List<String> args) {
        return run(BackupSettings.fromSystem(clusterSettings), nodes, args);
    }

    /** With the backup folder given: the KVM topology's is at one path on every machine. */
    public static int run(BackupSettings settings, java.util.function.Supplier<BackupCluster> nodes, List<String> args) {
        ClusterSettings clusterSettings = settings.cluster();
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        switch (args.get(0)) {
            case "backup" -> {
                Optional<String> from = option(rest, "--from");
                nothingElse(rest, "backup", "[--from NODE]");
                BackupCluster cluster = nodes.get();
                new BaseBackup(cluster, settings, progress(cluster.localArchives().isPresent() ? 6 : 5)).take(from);
            }
            case "backups" -> {
                nothingElse(rest, "backups", "no arguments");
                System.out.print(new BackupCatalog(settings).table());
            }
            case "restore" -> {
                Optional<String> to = option(rest, "--to");
                Optional<String> toLsn = option(rest, "--to-lsn");
                boolean latest = rest.remove("--latest");
                int port = option(rest, "--port").map(p -> port(p, "--port")).orElse(15499);
                if ((to.isPresent() ? 1 : 0) + (toLsn.isPresent() ? 1 : 0) + (latest ? 1 : 0) > 1) {
                    throw new ClusterException("Give one target: --to TIME, --to-lsn LSN or --latest.");
                }
                RestoreTarget target = to.map(RestoreTarget::time).or(() -> toLsn.map(RestoreTarget::lsn)).orElse(RestoreTarget.latest());
                Optional<String> backup = single(rest, "BACKUP");
                Optional<BackupCluster> cluster = known(nodes, settings);
                Progress progress = progress(cluster.flatMap(BackupCluster::localArchives).isPresent() ? 4 : 3);
                cluster.map(c -> new ArchiveCollect(c, settings, progress)).orElse(ArchiveCollect.none(settings, progress)).collect();
                new Restore(settings, progress).restore(backup, target, port);
            }
            case "restore-stop" -> new Restore(settings, progress(1)).stop(port(single(rest, "PORT")
                    .orElseThrow(() -> new ClusterException("restore-stop needs the port the restored node listens on,"
                            + " as restore printed it (default 15499): e.g. restore-stop 15499")), "restore-stop PORT"));
            case "switchover" -> new Switchover(cluster(clusterSettings, 3), settings.maxReadLag(), progress(3))
                    .switchover(single(rest, "NODE"));
            case "archive-collect" -> {
                nothingElse(rest, "archive-collect", "no arguments");
                ArchiveCollect.Report report = new ArchiveCollect(nodes.get(), settings, progress(1)).collect();
                if (!report.refused().isEmpty()) {
                    throw new ClusterException("The archive script refused " + report.refused() + ": a different copy is archived here"
                            + " (never overwritten: compare the copies before trusting a restore past them) or it cannot write");
                }
            }
            case "backup-timer" -> {
                int every = option(rest, "--every").map(BackupCli::minutes).orElse(30);
                Path dir = Path.of(single(rest, "DIR").orElseThrow(() -> new ClusterException(
                        "backup-timer needs the folder to write the timer files into, e.g. backup-timer /tmp/pagila-timer")));
                Path repository = Path.of("").toAbsolutePath();
                TimerFiles.write(dir, repository, clusterSettings.name(), every).forEach(p -> System.out.println("wrote " + p));
            }
            default -> throw new ClusterException("unknown backup command " + args.get(0));
        }
        return 0;
    }

    /**
     * A restore works from this machine's archive even when the cluster's nodes are gone: then it says so and uses
     * the archive as it is.
     */
    private static Optional<BackupCluster> known(java.util.function.Supplier<BackupCluster> nodes, BackupSettings settings) {
        try {
            return Optional.of(nodes.get());
        } catch (RuntimeException e) {
            System.out.println("The cluster's nodes are not known here (" + e.getMessage() + "): the WAL archive "
                    + settings.archiveDir() + " is used as it is");
            return Optional.empty();
        }
    }

    /** `status` adds each node's archiver view under the node table. */
    public static String archiveStatus(ClusterSettings clusterSettings) {
        Secrets secrets = Secrets.load(clusterSettings.secretsFile());
        BackupSettings settings = BackupSettings.fromSystem(clusterSettings);
        return ArchiverHealth.table(ArchiverHealth.probe(clusterSettings.nodes(), Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER)),
                settings.archiveDir().toString());
    }

    private static EmbeddedCluster cluster(ClusterSettings settings, int steps) {
        return new EmbeddedCluster(settings, progress(steps));
    }

    private static Progress progress(int steps) {
        return new Progress(System.out, steps);
    }

    private static Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return Optional.empty();
        }
        if (i + 1 >= args.size()) {
            throw new ClusterException(name + " needs a value");
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return Optional.of(value);
    }

    private static Optional<String> single(List<String> args, String what) {
        if (args.size() > 1 || args.stream().anyMatch(a -> a.startsWith("--"))) {
            throw new ClusterException("Unexpected arguments " + args + " (expected at most " + what + ")");
        }
        return args.stream().findFirst();
    }

    /**
     * What is left once the command's options are taken must be nothing: an extra word (a typo, a misplaced --help)
     * is refused before the command does anything, rather than ignored while it takes a backup.
     */
    static void nothingElse(List<String> rest, String command, String expected) {
        if (!rest.isEmpty()) {
            throw new ClusterException(command + " takes " + expected + ", not " + String.join(" ", rest));
        }
    }

    /** {@code what}: where the port was given, so the message names it. */
    static int port(String text, String what) {
        return whole(text, 1, 65535).orElseThrow(() -> new ClusterException(
                what + " needs a port from 1 to 65535, not '" + text + "'"));
    }

    /** backup-timer's --every; TimerFiles checks the range (1 to 1440). */
    static int minutes(String text) {
        return whole(text, Integer.MIN_VALUE, Integer.MAX_VALUE).orElseThrow(() -> new ClusterException(
                "--every needs a whole number of minutes, e.g. --every 30, not '" + text + "'"));
    }

    private static Optional<Integer> whole(String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            return value >= min && value <= max ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
