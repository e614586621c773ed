package org.pagila.cluster.backup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/**
 * Keeps the newest K base backups and the WAL they need: every segment from the oldest kept backup's start
 * segment on (any timeline), and every timeline history file (tiny, and needed to follow a promotion).
 */
public final class Retention {
    private final BackupSettings settings;
    private final Progress progress;

    public Retention(BackupSettings settings, Progress progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public record Plan(List<BackupInfo> deleteBackups, List<String> deleteWal, Optional<String> oldestNeededWal) {
    }

    /** What to delete, given the backups (any order) and the archive's file names. */
    public static Plan plan(List<BackupInfo> backups, int keep, List<String> archiveFiles) {
        List<BackupInfo> newestFirst = backups.stream().sorted(Comparator.comparing(BackupInfo::startTime).reversed()).toList();
        List<BackupInfo> kept = newestFirst.subList(0, Math.min(keep, newestFirst.size()));
        List<BackupInfo> deleted = newestFirst.subList(kept.size(), newestFirst.size());
        if (kept.isEmpty()) {
            return new Plan(List.of(), List.of(), Optional.empty());
        }
        BackupInfo oldestKept = kept.get(kept.size() - 1);
        long segmentSize = oldestKept.segmentSize();
        long firstNeeded = WalNames.segmentNumberOf(oldestKept.startWal(), segmentSize).orElseThrow();
        List<String> wal = new ArrayList<>();
        for (String name : archiveFiles) {
            Optional<Long> segment = WalNames.segmentNumberOf(name, segmentSize);
            if (segment.isPresent() && segment.get() < firstNeeded) {
                wal.add(name);
            }
        }
        return new Plan(List.copyOf(deleted), wal, Optional.of(oldestKept.startWal()));
    }

    public Plan apply() {
        WalArchive archive = new WalArchive(settings);
        Plan plan = plan(new BackupCatalog(settings).list(), settings.keep(), archive.files());
        for (BackupInfo backup : plan.deleteBackups()) {
            try {
                BackupFiles.deleteTree(backup.dir());
            } catch (IOException e) {
                throw new ClusterException("Cannot delete backup " + backup.id() + ": " + e.getMessage(), e);
            }
            progress.detail("retention: deleted backup " + backup.id() + " (keeping the newest " + settings.keep() + ")");
        }
        plan.deleteWal().forEach(archive::delete);
        if (!plan.deleteWal().isEmpty()) {
            progress.detail("retention: pruned " + plan.deleteWal().size() + " WAL files older than "
                    + plan.oldestNeededWal().orElse("?") + " (the oldest kept backup's start)");
        }
        return plan;
    }
}
