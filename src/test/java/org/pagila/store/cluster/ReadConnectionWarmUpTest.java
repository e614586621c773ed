package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagila.store.cluster.TestCluster.count;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.secrets.Secrets;

/**
 * Renewing read connections costs no request: the read pool opens them ahead of the requests (min-size), and the read
 * pool's driver reads the film page view on each new connection before handing it out (seen on the standby, where the
 * warm-up is the new session's last statement). Warming never costs a good connection nor hands out a broken one.
 */
@QuarkusTest
class ReadConnectionWarmUpTest {
    @Inject
    @DataSource("standby")
    AgroalDataSource reads;

    @ConfigProperty(name = "quarkus.datasource.\"standby\".jdbc.min-size")
    int minSize;

    @Test
    void theReadPoolRefillsToMinSizeWithoutARequestAskingForConnections() {
        assertTrue(minSize > 0, "the read pool keeps connections ready (min-size)");
        Instant flushed = Instant.now();
        reads.flush(AgroalDataSource.FlushMode.ALL);
        String opened = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pagila-store-reads'"
                + " AND backend_start >= '" + flushed + "'::timestamptz";
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            long total = 0;
            for (String node : List.of("node1", "node2", "node3")) {
                try (Connection c = TestCluster.superuser(node, "postgres")) {
                    total += count(c, opened);
                }
            }
            return total >= minSize;
        });
    }

    @Test
    void eachNewReadConnectionHasReadTheFilmPageViewBeforeItIsHandedOut() throws SQLException {
        ClusterSettings settings = TestCluster.settings();
        Properties login = new Properties();
        login.setProperty("user", Secrets.SUPERUSER);
        login.setProperty("password", Secrets.load(settings.secretsFile()).password(Secrets.SUPERUSER));
        String url = "jdbc:postgresql://" + settings.node("node1").hostPort() + "/pagila?ApplicationName=warm-up-check";
        try (Connection fresh = new StandbyRotationDriver().connect(url, login);
             Connection observer = TestCluster.superuser("node1", "postgres");
             Statement s = observer.createStatement();
             ResultSet last = s.executeQuery("SELECT query FROM pg_stat_activity WHERE application_name = 'warm-up-check'")) {
            assertTrue(last.next(), "the new connection's session on node1");
            assertEquals(StandbyRotationDriver.WARM_UP, last.getString(1), "its last statement");
            assertFalse(last.next());
        }
    }

    @Test
    void aConnectionWhereTheWarmUpFailsIsKeptWhileItStillAnswers() throws SQLException {
        try (Connection noCatalog = TestCluster.superuser("node1", "postgres")) { // no film_page in this database
            StandbyRotationDriver.warm(noCatalog);
            assertTrue(noCatalog.isValid(1));
            assertTrue(noCatalog.getAutoCommit(), "no transaction left open by the failed read");
            assertEquals(1, count(noCatalog, "SELECT 1"));
        }
    }

    @Test
    void aConnectionLostDuringTheWarmUpIsClosedAndReported() throws SQLException {
        try (Connection doomed = TestCluster.superuser("node1", "pagila")) { // closing it again does nothing
            long pid = count(doomed, "SELECT pg_backend_pid()");
            try (Connection other = TestCluster.superuser("node1", "postgres"); Statement s = other.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            assertThrows(SQLException.class, () -> StandbyRotationDriver.warm(doomed));
            assertTrue(doomed.isClosed(), "the broken connection is closed, not handed to the pool");
        }
    }
}
