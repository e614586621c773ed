package org.pagila.store.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.pagila.cluster.secrets.HiddenAdminFile;
import org.pagila.cluster.backup.BackupCatalog;
import org.pagila.cluster.backup.BackupInfo;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.store.backup.BackupRunStatus;
import org.pagila.store.backup.ScheduledBackups;

/**
 * The store's backup schedule under the Patroni profile: a run, started the way the scheduler starts it, backs up the
 * Patroni cluster from a replica (Patroni's leader checked first) into the archive Patroni's parameters fill.
 */
@QuarkusTest
@TestProfile(PatroniProfile.class)
@EnabledIf("org.pagila.store.ha.PatroniTestCluster#packagesOrCi")
class PatroniScheduledBackupTest {
    private final PatroniCluster cluster = PatroniTestCluster.cluster();

    @Inject
    ScheduledBackups backups;

    @Test
    void aScheduledRunBacksUpThePatroniClusterFromAReplica() {
        HaTestSupport.await(Duration.ofSeconds(30), () -> "READ_WRITE".equals(HaTestSupport.mode()), "store READ_WRITE");
        // the Patroni tests before this one fail members over and rejoin them: until a replica streams again, the run
        // rightly takes the leader ("no standby is fit"), which is not what this test is about
        HaTestSupport.await(Duration.ofSeconds(120), this::aReplicaStreams, "a replica streaming from the leader");
        // the store's run logs in as the monitor and the backup role; the tooling's file is not even there
        try (HiddenAdminFile hidden = HiddenAdminFile.of(PatroniTestCluster.settings().cluster().secretsFile())) {
            backups.run();
        }
        BackupRunStatus status = backups.status();
        assertEquals(BackupRunStatus.Outcome.OK, status.lastOutcome(), status.message());
        BackupCatalog catalog = new BackupCatalog(BackupSettings.fromSystem(PatroniTestCluster.settings().cluster()));
        BackupInfo backup = catalog.get(status.lastBackupId().orElseThrow());
        assertTrue(backup.verified(), catalog.table());
        assertEquals("standby", backup.sourceRole(), catalog.table());
        assertNotEquals(HaTestSupport.leader(cluster), backup.takenFrom());
    }

    private boolean aReplicaStreams() {
        try (java.sql.Connection c = cluster.superuser(HaTestSupport.leader(cluster), "postgres")) {
            return HaTestSupport.count(c, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
                    + " AND coalesce(replay_lag, interval '0') < interval '5 seconds'") >= 1;
        } catch (Exception e) {
            return false;
        }
    }
}
