package org.pagila.store.backup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.Progress;
import org.pagila.cluster.backup.BackupInfo;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.BaseBackup;
import org.pagila.cluster.backup.WalArchive;
import org.pagila.store.cluster.ClusterState;
import org.pagila.store.cluster.TestCluster;
import org.pagila.store.dashboard.ClusterEvent;
import org.pagila.store.dashboard.ClusterEvents;
import org.pagila.store.dashboard.ClusterStream;
import org.pagila.store.web.Management;

/**
 * The backup figures of a running store against the real test cluster: a base backup taken the way the command line
 * takes it (not by the store) shows in /q/metrics with its own end time and on the /cluster stream as BACKUP events;
 * an archive that cannot be written raises the failure counter and says so in the timeline.
 */
@QuarkusTest
class BackupFiguresTest {
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(30); // watch interval 5 s, on a loaded machine

    @Inject
    ClusterEvents events;

    @Inject
    ClusterState state;

    @TestHTTPResource("/cluster/stream")
    URL stream;

    @Test
    void aBackupFromTheCommandLineShowsInTheMetricsAndOnTheClusterPage() throws Exception {
        BackupSettings settings = BackupSettings.fromSystem(TestCluster.settings());
        BackupInfo backup = new BaseBackup(TestCluster.cluster(), settings, Progress.quiet()).take(Optional.empty());

        Awaitility.await("BACKUP events for " + backup.id()).atMost(SEEN_WITHIN).until(() -> backupEvent(backup.id() + " completed")
                && backupEvent("backup " + backup.id() + " verified"));
        Awaitility.await("the backup's end time in /q/metrics").atMost(SEEN_WITHIN)
                .until(() -> Math.abs(metric("pagila_backup_last_success_timestamp_seconds") - epoch(backup.endTime())) < 0.002);
        double archived = metric("pagila_wal_last_archived_timestamp_seconds");
        // a backup waits until the WAL it needs is archived: the primary archived during the backup at the latest
        assertTrue(archived >= epoch(backup.startTime()) - 1 && archived <= epoch(Instant.now()) + 1,
                "last archived " + archived + " vs backup " + backup.startTime() + ".." + backup.endTime());
        assertTrue(metric("pagila_wal_archive_failures_total") >= 0);

        // the page's snapshot is rebuilt at the store's next look at the cluster (every second), not when an event comes
        Awaitility.await("the /cluster stream carries the backup").atMost(SEEN_WITHIN).pollInterval(Duration.ofMillis(500))
                .until(() -> ClusterStream.firstSnapshot(stream), snapshot -> snapshot.contains("\"type\":\"BACKUP\"")
                        && snapshot.contains("base backup " + backup.id() + " completed"));
    }

    @Test
    void anArchiveThatCannotBeWrittenCountsAsFailuresAndIsInTheTimeline() throws Exception {
        String primary = state.view().primary().orElseThrow();
        BackupSettings settings = BackupSettings.fromSystem(TestCluster.settings());
        Path wal = settings.archiveDir();
        Awaitility.await("the failure counter exported").atMost(SEEN_WITHIN).until(() -> metric("pagila_wal_archive_failures_total") >= 0);
        double before = metric("pagila_wal_archive_failures_total");
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(wal);
        Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("---------")); // the archiver runs as pagila, not root
        try {
            switchWal(primary);
            Awaitility.await("archive failures counted").atMost(SEEN_WITHIN)
                    .until(() -> metric("pagila_wal_archive_failures_total") > before);
            Awaitility.await("the failure in the timeline").atMost(SEEN_WITHIN)
                    .until(() -> backupEvent("WAL archiving failed on " + primary));
        } finally {
            Files.setPosixFilePermissions(wal, permissions);
        }
        String segment = switchWal(primary); // wakes the archiver, which then archives what it could not before
        WalArchive archive = new WalArchive(settings);
        Awaitility.await("archiving works again").atMost(Duration.ofSeconds(90)).until(() -> archive.has(segment));
    }

    private static String switchWal(String node) throws Exception {
        try (Connection c = TestCluster.superuser(node, "postgres"); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT"); // a WAL record, so the switch starts a new segment that must be archived
            var rs = s.executeQuery("SELECT pg_walfile_name(pg_switch_wal())");
            rs.next();
            return rs.getString(1);
        }
    }

    private boolean backupEvent(String text) {
        return events.recent().stream().anyMatch(e -> e.type() == ClusterEvent.Type.BACKUP && e.message().contains(text));
    }

    private static double metric(String name) {
        String body = given().get(Management.url("/q/metrics")).then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? (\\S+)$").matcher(body);
        assertTrue(m.find(), name + " is not exported");
        return Double.parseDouble(m.group(1));
    }

    private static double epoch(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
