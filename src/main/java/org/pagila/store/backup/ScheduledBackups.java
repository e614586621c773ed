package org.pagila.store.backup;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.Progress;
import org.pagila.cluster.backup.BackupCatalog;
import org.pagila.cluster.backup.BackupCluster;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniBackupCluster;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.backup.BackupInfo;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.BaseBackup;
import org.pagila.store.cluster.ClusterState;
import org.pagila.store.dashboard.ClusterEvent;

/**
 * Base backups from the running store, every {@code pagila.backup.every} (default 30m; "off" disables, as in the
 * tests), while the cluster has a primary. The scheduler never starts a run while one is going on, and the backup's
 * own lock stops a concurrent `cluster/pagila-cluster backup` too. A run is due when the newest kept backup is older
 * than the interval, so restarting the store does not take an extra backup. Each run is logged; its outcome is in
 * {@link #status()} (readiness details; the cluster page can show it).
 */
@ApplicationScoped
public class ScheduledBackups {
    private static final Logger LOG = Logger.getLogger(ScheduledBackups.class);

    @ConfigProperty(name = "pagila.backup.every", defaultValue = "30m")
    String every;

    @ConfigProperty(name = "pagila.cluster.embedded", defaultValue = "true")
    boolean embedded;

    /** Under the Patroni profile the members are processes on this machine too: the same backup, Patroni's view first. */
    @ConfigProperty(name = "pagila.cluster.ha", defaultValue = "false")
    boolean ha;

    @Inject
    ClusterSettings clusterSettings;

    @Inject
    ClusterState clusterState;

    /** A failed run reaches the /cluster timeline; completed ones get there through BackupWatch, as the CLI's do. */
    @Inject
    Event<ClusterEvent> events;

    private volatile BackupRunStatus status;

    public BackupRunStatus status() {
        if (status == null) {
            boolean on = enabled();
            status = BackupRunStatus.initial(on, every, on ? "no run yet"
                    : !embedded && !ha ? "off: the cluster is not embedded; use the generated timer on its machines (backup-timer)"
                    : "off (pagila.backup.every=" + every + ")");
        }
        return status;
    }

    /**
     * Looks every {@code pagila.backup.check-every} whether a run is due, and only once the store has seen the cluster:
     * at a first start the scheduler wakes while the embedded cluster is still being brought up, and a backup then
     * would race the bring-up (and fail on the half-unpacked binaries).
     */
    @Scheduled(identity = "pagila-backup", every = "{pagila.backup.check-every}", delayed = "{pagila.backup.check-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotScheduled.class)
    void tick() {
        if (clusterState.hasLooked()) {
            run();
        }
    }

    /** One run, if due: the newest kept backup is older than the interval (with "off", whenever called). */
    public void run() {
        if (!clusterState.isWritable()) {
            boolean alreadySkipping = status().lastOutcome() == BackupRunStatus.Outcome.SKIPPED;
            status = status().finished(Instant.now(), BackupRunStatus.Outcome.SKIPPED, Optional.empty(),
                    "skipped: the cluster has no writable primary (" + clusterState.view().mode() + ")");
            if (!alreadySkipping) { // once per outage, not at every look
                LOG.warn("Scheduled backup " + status.message());
            }
            return;
        }
        BackupSettings settings = backupSettings(clusterSettings);
        Duration interval = intervalOrZero();
        Optional<BackupInfo> newest = new BackupCatalog(settings).list().stream().reduce((a, b) -> b);
        if (newest.isPresent() && newest.get().endTime().isAfter(Instant.now().minus(interval).plusSeconds(5))) {
            return; // taken recently (by an earlier run or by hand): not due yet
        }
        status = status().started(Instant.now());
        LOG.info("Scheduled backup starting");
        try {
            BackupInfo backup = new BaseBackup(nodes(), settings,
                    new Progress(new PrintStream(new LogLines(), true, StandardCharsets.UTF_8), 5)).take(Optional.empty());
            status = status.finished(Instant.now(), BackupRunStatus.Outcome.OK, Optional.of(backup.id()),
                    "backup " + backup.id() + " from " + backup.takenFrom() + ", verified");
        } catch (RuntimeException e) { // ClusterException and anything unexpected: recorded, never thrown at the scheduler
            status = status.finished(Instant.now(), BackupRunStatus.Outcome.FAILED, Optional.empty(), e.getMessage());
            LOG.error("Scheduled backup failed: " + e.getMessage());
            events.fire(ClusterEvent.now(ClusterEvent.Type.BACKUP, null, "scheduled backup FAILED: " + e.getMessage()));
        }
    }

    /** The cluster's nodes as the backup reaches them: the embedded cluster's, or Patroni's members. */
    private BackupCluster nodes() {
        if (ha) {
            var config = ConfigProvider.getConfig();
            HaSettings haSettings = HaSettings.from(key -> config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()));
            return new PatroniBackupCluster(new PatroniCluster(haSettings, Progress.quiet()));
        }
        return BackupCluster.of(new EmbeddedCluster(clusterSettings, Progress.quiet()));
    }

    /** Read through the store's configuration, so the store and the command line find the same catalog. */
    static BackupSettings backupSettings(ClusterSettings clusterSettings) {
        return BackupSettings.from(clusterSettings,
                key -> ConfigProvider.getConfig().getOptionalValue(key, String.class).filter(v -> !v.isBlank()));
    }

    private boolean enabled() {
        return (embedded || ha) && !every.equalsIgnoreCase("off") && !every.equalsIgnoreCase("disabled");
    }

    private Duration intervalOrZero() {
        try {
            String v = every.trim().toUpperCase(java.util.Locale.ROOT);
            return Duration.parse(v.startsWith("P") ? v : "PT" + v);
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /** Off by configuration, or where the store does not know the nodes (neither its own cluster nor a local Patroni one). */
    public static final class NotScheduled implements Scheduled.SkipPredicate {
        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            var config = ConfigProvider.getConfig();
            String every = config.getOptionalValue("pagila.backup.every", String.class).orElse("30m");
            boolean off = every.equalsIgnoreCase("off") || every.equalsIgnoreCase("disabled");
            return off || !config.getOptionalValue("pagila.cluster.embedded", Boolean.class).orElse(true)
                    && !config.getOptionalValue("pagila.cluster.ha", Boolean.class).orElse(false);
        }
    }

    /** The backup's progress lines, one log record each. */
    private static final class LogLines extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            if (b == '\n') {
                LOG.info(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
