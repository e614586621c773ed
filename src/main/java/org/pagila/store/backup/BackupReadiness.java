package org.pagila.store.backup;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The backup schedule in the readiness details. Always UP: a failed backup must be seen and fixed, but it is no
 * reason to stop serving customers.
 */
@Readiness
@ApplicationScoped
public class BackupReadiness implements HealthCheck {

    @Inject
    ScheduledBackups backups;

    @Override
    public HealthCheckResponse call() {
        BackupRunStatus s = backups.status();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("backups").up()
                .withData("schedule", s.enabled() ? "every " + s.every() : "off")
                .withData("running", s.running())
                .withData("lastOutcome", s.lastOutcome().name())
                .withData("message", s.message())
                .withData("consecutiveFailures", s.consecutiveFailures());
        s.lastEnd().ifPresent(t -> builder.withData("lastRunEnded", t.toString()));
        s.lastBackupId().ifPresent(id -> builder.withData("lastBackup", id));
        return builder.build();
    }
}
