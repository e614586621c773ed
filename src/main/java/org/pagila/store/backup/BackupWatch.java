package org.pagila.store.backup;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.backup.ArchiverHealth;
import org.pagila.cluster.backup.BackupCatalog;
import org.pagila.cluster.backup.BackupInfo;
import org.pagila.store.cluster.ClusterCredentials;
import org.pagila.store.cluster.ClusterState;
import org.pagila.store.dashboard.BackupFigures;
import org.pagila.store.dashboard.ClusterEvent;

/**
 * The backup feature's figures for /q/metrics and its lines in the /cluster timeline. It looks at the backup
 * catalog (the same folders `cluster/pagila-cluster backup` and the schedule write, so a backup made from the command
 * line counts too) and at pg_stat_archiver of the current primary, every {@code pagila.backup.watch-interval}; the
 * metrics read what it last saw, so a scrape never waits on a node.
 */
@ApplicationScoped
public class BackupWatch implements BackupFigures {
    private static final Logger LOG = Logger.getLogger(BackupWatch.class);

    @ConfigProperty(name = "pagila.backup.watch-interval", defaultValue = "5s")
    Duration interval;

    @Inject
    ClusterSettings clusterSettings;

    @Inject
    ClusterState clusterState;

    /** The monitoring login (pg_monitor), like the cluster poller: the store's own role reads no server statistics. */
    @Inject
    ClusterCredentials.Monitor login;

    @Inject
    Event<ClusterEvent> events;

    private volatile Optional<Instant> lastBackup = Optional.empty();
    private volatile Optional<Instant> lastArchivedWal = Optional.empty();
    /** Failures summed over every node seen as primary: pg_stat_archiver counts per server, the metric must only grow. */
    private volatile long failedArchives;
    private final Map<String, Long> failedCountByNode = new HashMap<>();
    private Set<String> completeIds;
    private final Set<String> verifiedIds = new HashSet<>();
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "backup-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::lookQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public Optional<Instant> lastBackup() {
        return lastBackup;
    }

    @Override
    public Optional<Instant> lastArchivedWal() {
        return lastArchivedWal;
    }

    @Override
    public long failedArchives() {
        return failedArchives;
    }

    private void lookQuietly() {
        try {
            look();
        } catch (RuntimeException e) { // an unreadable catalog or a node between states: the next look tries again
            LOG.debugf("Backup watch: %s", e.getMessage());
        }
    }

    /** One look; package-visible so a test can make one at the moment it needs it. */
    synchronized void look() {
        lookAtCatalog(new BackupCatalog(ScheduledBackups.backupSettings(clusterSettings)).list());
        clusterState.view().primary().ifPresent(this::lookAtArchiver);
    }

    private void lookAtCatalog(List<BackupInfo> backups) {
        lastBackup = backups.stream().map(BackupInfo::endTime).max(Instant::compareTo);
        boolean first = completeIds == null;
        if (first) {
            // what was there before the store started is history, not news for the timeline
            completeIds = new HashSet<>();
        }
        for (BackupInfo b : backups) {
            if (completeIds.add(b.id()) && !first) {
                publish(b.takenFrom(), String.format(Locale.ROOT, "base backup %s completed: from %s (%s), %.1f MB in %.1f s",
                        b.id(), b.takenFrom(), b.sourceRole(), b.compressedBytes() / 1048576.0,
                        Duration.between(b.startTime(), b.endTime()).toMillis() / 1000.0));
            }
            if (b.verification().isPresent() && verifiedIds.add(b.id()) && !first) {
                BackupInfo.Verification v = b.verification().get();
                publish(b.takenFrom(), v.ok() ? "backup " + b.id() + " verified" : "backup " + b.id() + " FAILED verification: " + v.message());
            }
        }
    }

    private void lookAtArchiver(String primary) {
        var credentials = login.getCredentials("monitor");
        List<ArchiverHealth> health = ArchiverHealth.probe(List.of(clusterSettings.node(primary)), "pagila",
                credentials.get("user"), credentials.get("password"));
        if (health.isEmpty()) {
            return; // not answering right now: ClusterState will say so
        }
        ArchiverHealth h = health.get(0);
        // the newest over every primary seen: a promoted standby starts archiving later than the old primary stopped
        h.lastArchivedAt().ifPresent(at -> lastArchivedWal = Optional.of(lastArchivedWal.filter(known -> known.isAfter(at)).orElse(at)));
        Long before = failedCountByNode.put(primary, h.failed());
        long added = before == null ? h.failed() : Math.max(0, h.failed() - before);
        failedArchives += added;
        if (before != null && added > 0) {
            publish(primary, "WAL archiving failed on " + primary + ": " + h.lastFailedWal().orElse("?") + " (" + h.failed()
                    + " failures so far; PostgreSQL retries, WAL piles up in pg_wal until the archive takes it)");
        }
    }

    private void publish(String node, String message) {
        events.fire(ClusterEvent.now(ClusterEvent.Type.BACKUP, node, message));
    }
}
