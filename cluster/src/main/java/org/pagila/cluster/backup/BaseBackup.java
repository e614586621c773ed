package org.pagila.cluster.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pagila.cluster.Await;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.engine.Node;

import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/**
 * `backup`: a base backup with PostgreSQL's low-level backup API (pg_backup_start, copy, pg_backup_stop in one
 * session), from a healthy standby when there is one. The copy is one compressed tar with a SHA-256 manifest and
 * includes the server's configuration files; the WAL from its start to its stop comes from the archive. The low-level
 * API is the one method every binary set we run has (the bundled PostgreSQL 17 has no pg_basebackup), and the files
 * are read by tar on the node through its transport ({@link DataDirCopy}), so the embedded cluster, a Patroni
 * cluster, containers and VMs all get the same backup format, the same verification and the same restore. No
 * superuser: the source is chosen as {@code pagila_monitor} and every statement runs as {@code pagila_backup}
 * (EXECUTE on pg_backup_start, pg_backup_stop and pg_switch_wal, member of pg_checkpoint), the two logins of
 * {@link BackupCluster#logins()}, so the store can take backups without the tooling's password file.
 */
public final class BaseBackup {
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(10);
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final BackupCluster cluster;
    private final BackupSettings settings;
    private final Progress progress;
    private final WalArchive archive;

    public BaseBackup(EmbeddedCluster cluster, BackupSettings settings, Progress progress) {
        this(BackupCluster.of(cluster), settings, progress);
    }

    public BaseBackup(BackupCluster cluster, BackupSettings settings, Progress progress) {
        this.cluster = cluster;
        this.settings = settings;
        this.progress = progress;
        this.archive = new WalArchive(settings);
    }

    /** Takes, verifies and records a backup, then applies retention. Refuses at once if another backup runs. */
    public BackupInfo take(Optional<String> requestedNode) {
        archive.prepare();
        try (BackupLock lock = BackupLock.acquire(settings.lockFile(), "backup of cluster '" + settings.cluster().name() + "'")) {
            // where the nodes archive on their own disks (VMs), this machine's archive is brought up to date first
            new ArchiveCollect(cluster, settings, progress).collect();
            progress.step("choose the source");
            List<NodeStatus> nodes = cluster.status();
            SourceChoice.Choice choice = SourceChoice.choose(nodes, settings.maxReadLag(), requestedNode);
            NodeStatus primary = nodes.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).findFirst().orElseThrow();
            progress.detail(choice.node().name() + " (" + choice.node().role().name().toLowerCase() + "): " + choice.reason());
            BackupInfo info = copy(cluster.node(choice.node().name()), choice.node().role(), cluster.node(primary.name()));
            progress.step("verify");
            info = new BackupVerifier(settings, progress).verifyAndRecord(info);
            if (!info.verified()) {
                throw new ClusterException("Backup " + info.id() + " was written but failed verification: "
                        + info.verification().orElseThrow().message());
            }
            progress.step("retention");
            new ArchiveCollect(cluster, settings, progress).prune(new Retention(settings, progress).apply());
            progress.info(String.format("Backup %s of %s done: %,d files, %s compressed (%s read), LSN %s .. %s",
                    info.id(), info.takenFrom(), info.files(), BackupCatalog.megabytes(info.compressedBytes()),
                    BackupCatalog.megabytes(info.bytes()), info.startLsn(), info.stopLsn()));
            return info;
        }
    }

    /** Bounded: a standby that replays slowly still gives a valid backup, from an older restartpoint (more WAL to replay). */
    private void awaitReplayed(Connection standby, Node source, String lsn) {
        try {
            Await.until(source.name() + " replayed the primary's checkpoint (" + lsn + ")", REPLAY_WAIT, Duration.ofMillis(100),
                    () -> "1".equals(Sql.one(standby, "SELECT (pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn)::int")), () -> "");
        } catch (ClusterException notYet) {
            progress.detail(notYet.getMessage() + ": the backup starts at an older restartpoint");
        }
    }

    private BackupInfo copy(Node source, NodeStatus.Role role, Node primary) {
        Secrets logins = cluster.logins();
        String id = newId();
        Path partial = settings.baseDir().resolve(id + ".partial");
        Path done = settings.baseDir().resolve(id);
        try (Connection p = Sql.as(primary.client().get(), Secrets.BACKUP_USER, logins, "postgres");
             Connection s = Sql.as(source.client().get(), Secrets.BACKUP_USER, logins, "postgres")) {
            checkArchiving(p);
            long segmentSize = Long.parseLong(Sql.one(p, "SELECT pg_size_bytes(current_setting('wal_segment_size'))"));
            String version = Sql.one(s, "SHOW server_version");
            if (role == NodeStatus.Role.STANDBY) {
                // a standby's backup starts at its last restartpoint, which can only be at a checkpoint it has replayed:
                // a fresh checkpoint on the primary, replayed before pg_backup_start, keeps the WAL to replay short and,
                // after a promotion, starts the backup on the new timeline (without the wait it sometimes began on the old)
                Sql.exec(p, "CHECKPOINT");
                awaitReplayed(s, source, Sql.one(p, "SELECT pg_current_wal_lsn()::text"));
            }
            progress.step("copy " + source.name() + " (" + source.layout().dataDir() + ", " + source.transport().describe()
                    + ") with pg_backup_start / pg_backup_stop");
            Files.createDirectories(partial);
            Instant start = Instant.now();
            Sql.exec(s, "SELECT pg_backup_start('pagila-cluster " + id + "', true)");
            String label;
            String stopLsn;
            ArchiveWriter writer = new ArchiveWriter(partial.resolve(BackupInfo.ARCHIVE), progress);
            try (writer) {
                DataDirCopy.copy(source, writer);
                try (Statement st = s.createStatement();
                     ResultSet stop = st.executeQuery("SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                    stop.next();
                    stopLsn = stop.getString(1);
                    label = stop.getString(2);
                    writer.addBytes("backup_label", label.getBytes(StandardCharsets.UTF_8));
                    String spcmap = stop.getString(3);
                    if (spcmap != null && !spcmap.isEmpty()) {
                        writer.addBytes("tablespace_map", spcmap.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            writer.report();
            Instant end = Instant.now();
            int timeline = Integer.parseInt(labelField(label, "START TIMELINE: (\\d+)"));
            String startLsn = labelField(label, "START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+)");
            String startWal = labelField(label, "START WAL LOCATION: .*\\(file ([0-9A-F]{24})\\)");
            String stopWal = WalNames.segmentEndingAt(timeline, WalNames.parseLsn(stopLsn), segmentSize);

            progress.step("WAL " + startWal + " .. " + stopWal + " into the archive");
            Sql.exec(p, "SELECT pg_switch_wal()");
            if (!new ArchiveCollect(cluster, settings, progress).awaitArchived(stopWal, settings.walWait())) {
                throw new ClusterException("WAL segment " + stopWal + ", which this backup needs, did not reach the archive "
                        + settings.archiveDir() + " within " + settings.walWait().toSeconds() + " s: archiving is failing"
                        + " (see `status`: archiver failures) or far behind");
            }
            progress.detail(stopWal + " archived");
            Files.writeString(partial.resolve(BackupInfo.MANIFEST), writer.manifest());
            BackupInfo info = new BackupInfo(id, done, source.name(), role.name().toLowerCase(), start, end, startLsn, stopLsn,
                    timeline, startWal, stopWal, segmentSize, writer.files(), writer.bytes(), writer.compressedBytes(),
                    writer.archiveSha256(), version, Optional.empty());
            new BackupInfo(id, partial, info.takenFrom(), info.sourceRole(), start, end, startLsn, stopLsn, timeline, startWal,
                    stopWal, segmentSize, info.files(), info.bytes(), info.compressedBytes(), info.archiveSha256(), version,
                    Optional.empty()).write();
            BackupFiles.fsync(partial.resolve(BackupInfo.ARCHIVE));
            BackupFiles.fsync(partial.resolve(BackupInfo.MANIFEST));
            Files.move(partial, done, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            BackupFiles.fsync(settings.baseDir());
            return info;
        } catch (SQLException | IOException | RuntimeException e) {
            deleteQuietly(partial);
            String kept = new BackupCatalog(settings).list().size() + " older backup(s) kept";
            String why = e instanceof ClusterException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw new ClusterException("Backup failed, nothing kept of it (" + kept + "): " + why, e);
        }
    }

    private static void checkArchiving(Connection primary) throws SQLException {
        String mode = Sql.one(primary, "SHOW archive_mode");
        if (!mode.equals("always") && !mode.equals("on")) {
            throw new ClusterException("WAL archiving is off (archive_mode=" + mode + "), so no restore could use a backup."
                    + " Clusters made by this version archive from their first start; `up` writes the settings.");
        }
    }

    static String labelField(String label, String regex) {
        Matcher m = Pattern.compile(regex).matcher(label);
        if (!m.find()) {
            throw new ClusterException("Unexpected backup_label from the server (no match for " + regex + "):\n" + label);
        }
        return m.group(1);
    }

    private String newId() {
        String id = ID.format(Instant.now());
        String candidate = id;
        for (int i = 2; Files.exists(settings.baseDir().resolve(candidate)); i++) {
            candidate = id + "-" + i;
        }
        return candidate;
    }

    private static void deleteQuietly(Path dir) {
        try {
            BackupFiles.deleteTree(dir);
        } catch (IOException e) {
            // the message about the failed backup matters more; a leftover .partial folder is ignored by `backups`
        }
    }
}
