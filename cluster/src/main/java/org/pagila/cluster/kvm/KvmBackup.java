package org.pagila.cluster.kvm;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.backup.BackupCluster;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.TimerFiles;
import org.pagila.cluster.backup.WalArchive;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.PackagedLayout;
import org.pagila.cluster.secrets.Secrets;

/**
 * Backups of the KVM topology, with the one backup implementation: every machine (the host when it holds the primary,
 * and each VM) archives WAL into its own folder at the same path, /var/lib/pagila-backup, so the archive settings in
 * the nodes' generated PostgreSQL configuration are the same text everywhere. Backups and restores run on the host,
 * in the topology's backup folder (`backup.dir`, by default that same path): before a backup's end and before a
 * restore, the segments and history files the host's archive lacks are collected from every reachable node over SSH
 * ({@link org.pagila.cluster.backup.ArchiveCollect}), so a restore past a VM's promotion finds the new timeline. The
 * schedule is a systemd timer (or cron line) generated with the other files, running `kvm backup` (which collects
 * first) where the repository and the VMs' SSH key are: the VMs have no JDK and no copy of the tool.
 */
public final class KvmBackup {
    /** Where each node keeps its own archive: the same path on every machine of the topology. */
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

    /** The host's backups: base backups, the collected WAL archive, the lock (`backup.dir` in the topology file). */
    public BackupSettings settings() {
        return at(config.backupDir());
    }

    /** Each node's own archive (its settings: the archive_command and the folder apply makes over SSH). */
    private BackupSettings nodeSettings() {
        return at(DIR);
    }

    private BackupSettings at(Path dir) {
        BackupSettings defaults = BackupSettings.fromSystem(cluster());
        return new BackupSettings(cluster(), dir, defaults.keep(), defaults.walWait(), defaults.maxReadLag(), defaults.archiveTimeout());
    }

    /** The archive every node writes on its own machine. */
    public WalArchive archive() {
        return new WalArchive(nodeSettings());
    }

    /** The topology's nodes for the backup commands: each archives on its own machine, collected by the host. */
    public BackupCluster backupCluster(List<Node> nodes, Secrets secrets) {
        return BackupCluster.archivingLocally(nodes, secrets, nodeSettings().archiveDir().toString());
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
}
