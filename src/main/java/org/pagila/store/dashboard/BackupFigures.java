package org.pagila.store.dashboard;

import java.time.Instant;
import java.util.Optional;

/**
 * The hook for backup and WAL-archiving figures: a bean implementing this (the backup feature's) gets its figures
 * exported as pagila_backup_* metrics; without one, none are exported. Completed backups go to the page's timeline
 * as {@link ClusterEvent.Type#BACKUP} events.
 */
public interface BackupFigures {
    /** When the newest base backup completed. */
    Optional<Instant> lastBackup();

    /** When the newest WAL segment was archived. */
    Optional<Instant> lastArchivedWal();

    /** WAL segments that failed to archive since the archiver started. */
    long failedArchives();
}
