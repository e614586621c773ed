package org.pagila.cluster.kvm;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.TimerFiles;
import org.pagila.cluster.backup.WalArchive;
import org.pagila.cluster.engine.PackagedLayout;

/**
 * Backups of the KVM topology, with the one backup implementation: every machine (the host and each VM) keeps its WAL
 * archive at the same path, /var/lib/pagila-backup, so the archive settings in the nodes' generated PostgreSQL
 * configuration are the same text everywhere. With archive_mode=always each standby archives all WAL it receives,
 * so the host (the primary by default, where `kvm backup` runs and restores) holds the whole archive while it is
 * the primary. The schedule is a systemd timer (or cron line) generated with the other files, running `kvm backup`
 * where the repository and the VMs' SSH key are: the VMs have no JDK and no copy of the tool.
 */
public final class KvmBackup {
    /** The same path on every machine of the topology. */
    public static final Path DIR = Path.of("/var/lib/pagila-backup");
    public static final int EVERY_MINUTES = 30;

    private final KvmConfig config;

    public KvmBackup(KvmConfig config) {
        this.config = config;
    }

    /** The topology as a cluster: its folder is the work directory (secrets, restores). */
    public ClusterSettings cluster() {
        Path work = config.workDir().toAbsolutePath();
        return new ClusterSettings(work.getFileName().toString(), work.getParent(),
                config.nodes().stream().map(n -> new ClusterSettings.NodeAddress(n.name(), n.address(), config.postgresPort())).toList(),
                Optional.empty(), Optional.empty());
    }

    public BackupSettings settings() {
        BackupSettings defaults = BackupSettings.fromSystem(cluster());
        return new BackupSettings(cluster(), DIR, defaults.keep(), defaults.walWait(), defaults.maxReadLag(), defaults.archiveTimeout());
    }

    public WalArchive archive() {
        return new WalArchive(settings());
    }

    /** The nodes' layout: Debian's packaged PostgreSQL, archiving into the topology's archive path. */
    public PackagedLayout layout() {
        return new PackagedLayout(config.postgresVersion(), config.postgresPort()).withArchiving(archive().serverSettings());
    }

    /**
     * The PostgreSQL settings every node's conf.d gets (a standby's, rendered for review: apply writes each node's own
     * port and name), with the WAL archive's archive_command.
     */
    public String postgresSettings() {
        KvmConfig.Node standby = config.vms().get(0);
        return org.pagila.cluster.engine.ServerConfig.settings(new org.pagila.cluster.engine.Node(standby.name(), standby.address(),
                config.postgresPort(), null, layout(), null));
    }

    /** The schedule's files, by the path `kvm render` writes them to. */
    public Map<Path, String> timerFiles() {
        Path repository = Path.of("").toAbsolutePath();
        String command = repository.resolve("cluster/pagila-cluster") + " kvm backup";
        Map<Path, String> files = new LinkedHashMap<>();
        TimerFiles.render("the KVM topology " + config.workDir().getFileName(),
                "PAGILA_KVM_CONFIG=" + config.source().toAbsolutePath(), command, EVERY_MINUTES)
                .forEach((name, content) -> files.put(config.workDir().resolve("backup").resolve(name), content));
        return files;
    }

    /**
     * cloud-init lines for a VM: the archive script (the same text every node runs) and the archive folder, owned by
     * postgres; group-writable with set-group-id, as on the host (see WalArchive#writableBy).
     */
    String userDataFiles() {
        return """
                  - path: %1$s
                    permissions: '0755'
                    content: |
                %2$s
                """.formatted(DIR.resolve(WalArchive.SCRIPT), indent(WalArchive.script(settings().archiveDir()), 6));
    }

    String userDataCommands() {
        return "  - [install, -d, -o, postgres, -g, postgres, -m, '2770', " + settings().archiveDir() + "]\n";
    }

    private static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return pad + text.strip().replace("\n", "\n" + pad);
    }
}
