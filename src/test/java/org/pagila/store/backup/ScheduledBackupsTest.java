package org.pagila.store.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.secrets.HiddenAdminFile;
import org.pagila.cluster.backup.BackupCatalog;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.store.cluster.TestCluster;

/**
 * The store's backup schedule: off in the tests (nothing runs by itself), and a run, started the way the scheduler
 * starts it, takes a verified backup of the test cluster and shows its outcome in the readiness details.
 */
@QuarkusTest
class ScheduledBackupsTest {

    @Inject
    ScheduledBackups backups;

    @Test
    void offInTestsAndARunShowsItsOutcomeInReadiness() {
        given().when().get(org.pagila.store.web.Management.url("/q/health/ready")).then().statusCode(200)
                .body("checks.find { it.name == 'backups' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'backups' }.data.schedule", equalTo("off"));
        assertFalse(backups.status().enabled());

        // the store's run logs in as the monitor and the backup role; the tooling's file is not even there
        try (HiddenAdminFile hidden = HiddenAdminFile.of(TestCluster.settings().secretsFile())) {
            backups.run();
        }

        BackupRunStatus status = backups.status();
        assertEquals(BackupRunStatus.Outcome.OK, status.lastOutcome(), status.message());
        String id = status.lastBackupId().orElseThrow();
        var catalog = new BackupCatalog(BackupSettings.fromSystem(TestCluster.settings()));
        assertTrue(catalog.get(id).verified(), catalog.table());
        given().when().get(org.pagila.store.web.Management.url("/q/health/ready")).then().statusCode(200)
                .body("checks.find { it.name == 'backups' }.data.lastOutcome", equalTo("OK"))
                .body("checks.find { it.name == 'backups' }.data.lastBackup", equalTo(id));
    }
}
