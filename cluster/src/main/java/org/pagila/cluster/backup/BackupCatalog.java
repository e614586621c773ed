package org.pagila.cluster.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.pagila.cluster.ClusterException;

/** The kept base backups (complete ones only: a folder without backup.properties is a failed or running backup). */
public final class BackupCatalog {
    private final BackupSettings settings;
    private final WalArchive archive;

    public BackupCatalog(BackupSettings settings) {
        this.settings = settings;
        this.archive = new WalArchive(settings);
    }

    /** Oldest first. */
    public List<BackupInfo> list() {
        if (!Files.isDirectory(settings.baseDir())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(settings.baseDir())) {
            return dirs.filter(Files::isDirectory).filter(BackupInfo::isComplete).map(BackupInfo::read)
                    .sorted(Comparator.comparing(BackupInfo::startTime)).toList();
        } catch (IOException e) {
            throw new ClusterException("Cannot list backups in " + settings.baseDir() + ": " + e.getMessage(), e);
        }
    }

    public BackupInfo get(String id) {
        return list().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new ClusterException(
                "No backup '" + id + "'. Kept backups: " + list().stream().map(BackupInfo::id).toList()));
    }

    public Optional<RestoreWindow> window() {
        List<BackupInfo> backups = list();
        if (backups.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> newest = archive.newestSegment(backups.get(0).segmentSize());
        return RestoreWindow.of(backups, newest, newest.flatMap(archive::archivedAt));
    }

    public String table() {
        List<BackupInfo> backups = list();
        StringBuilder out = new StringBuilder();
        String format = "%-18s %-8s %-20s %-20s %-12s %-12s %10s %s%n";
        out.append(String.format(Locale.ROOT, format, "ID", "FROM", "START", "END", "START_LSN", "STOP_LSN", "SIZE", "VERIFIED"));
        for (BackupInfo b : backups) {
            out.append(String.format(Locale.ROOT, format, b.id(), b.takenFrom(), b.startTime().toString().replaceFirst("\\.\\d+Z$", "Z"),
                    b.endTime().toString().replaceFirst("\\.\\d+Z$", "Z"), b.startLsn(), b.stopLsn(), megabytes(b.compressedBytes()),
                    b.verification().map(v -> v.ok() ? "yes" : "NO: " + v.message()).orElse("no")));
        }
        if (backups.isEmpty()) {
            out.append("(no backups yet: `cluster/pagila-cluster backup` takes one)\n");
        }
        out.append(window().map(w -> "restore window: " + w.describe())
                .orElse("restore window: none (needs a backup and archived WAL)")).append('\n');
        List<String> wal = archive.files();
        long walBytes = wal.stream().mapToLong(archive::size).sum();
        out.append(String.format(Locale.ROOT, "WAL archive: %d files, %s in %s%n", wal.size(), megabytes(walBytes), settings.archiveDir()));
        return out.toString();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
