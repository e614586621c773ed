package org.pagila.cluster.backup;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;

/**
 * The span a point-in-time restore can reach: from the end of the oldest kept backup (the first consistent
 * moment) to the end of the newest archived WAL segment. Times at the end are approximate (when that segment
 * was archived); PostgreSQL itself refuses a target it cannot reach, and that is reported the same way.
 */
public record RestoreWindow(Instant fromTime, String fromLsn, Instant toTime, String toLsn) {

    public static Optional<RestoreWindow> of(List<BackupInfo> backups, Optional<String> newestSegment,
                                             Optional<Instant> newestArchivedAt) {
        Optional<BackupInfo> oldest = backups.stream().min(Comparator.comparing(BackupInfo::endTime));
        if (oldest.isEmpty() || newestSegment.isEmpty()) {
            return Optional.empty();
        }
        long segmentSize = oldest.get().segmentSize();
        long end = WalNames.endOfSegment(newestSegment.get(), segmentSize);
        return Optional.of(new RestoreWindow(oldest.get().endTime(), oldest.get().stopLsn(),
                newestArchivedAt.orElse(oldest.get().endTime()), WalNames.formatLsn(end)));
    }

    public String describe() {
        return fromTime + " (LSN " + fromLsn + ") to " + toTime + " (LSN " + toLsn + ")";
    }

    /** A target time must lie inside the window. */
    public void checkTime(Instant target) {
        if (target.isBefore(fromTime) || target.isAfter(toTime)) {
            throw new ClusterException("Cannot restore to " + target + ": it is "
                    + (target.isBefore(fromTime) ? "before the end of the oldest kept backup" : "after the end of the WAL archive")
                    + ". A restore can reach " + describe() + ".");
        }
    }

    public void checkLsn(String target) {
        long lsn = WalNames.parseLsn(target);
        if (lsn < WalNames.parseLsn(fromLsn) || lsn > WalNames.parseLsn(toLsn)) {
            throw new ClusterException("Cannot restore to LSN " + target + ": it is "
                    + (lsn < WalNames.parseLsn(fromLsn) ? "before the end of the oldest kept backup" : "after the end of the WAL archive")
                    + ". A restore can reach " + describe() + ".");
        }
    }
}
