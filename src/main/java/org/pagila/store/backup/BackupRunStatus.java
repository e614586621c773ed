package org.pagila.store.backup;

import java.time.Instant;
import java.util.Optional;

/**
 * What the store's backup schedule last did, for readiness details and the cluster page: whether it is on and how
 * often, whether a run is going on, and the last run's outcome (a failure stays visible until a run succeeds).
 */
public record BackupRunStatus(boolean enabled, String every, boolean running, Optional<Instant> lastStart,
                              Optional<Instant> lastEnd, Outcome lastOutcome, Optional<String> lastBackupId,
                              String message, int consecutiveFailures) {

    public enum Outcome { NONE, OK, FAILED, SKIPPED }

    static BackupRunStatus initial(boolean enabled, String every, String message) {
        return new BackupRunStatus(enabled, every, false, Optional.empty(), Optional.empty(), Outcome.NONE, Optional.empty(),
                message, 0);
    }

    BackupRunStatus started(Instant at) {
        return new BackupRunStatus(enabled, every, true, Optional.of(at), lastEnd, lastOutcome, lastBackupId, "running", consecutiveFailures);
    }

    BackupRunStatus finished(Instant at, Outcome outcome, Optional<String> backupId, String text) {
        return new BackupRunStatus(enabled, every, false, lastStart, Optional.of(at), outcome,
                backupId.or(() -> lastBackupId), text, outcome == Outcome.FAILED ? consecutiveFailures + 1
                : outcome == Outcome.OK ? 0 : consecutiveFailures);
    }
}
