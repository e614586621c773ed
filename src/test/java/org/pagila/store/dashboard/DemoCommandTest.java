package org.pagila.store.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagila.store.failover.HealthyCluster;
import org.pagila.cluster.demo.DemoCommand;
import org.pagila.store.cluster.TestCluster;

/**
 * `cluster/pagila-cluster demo` end to end against a running store and its own cluster: real load, a real SIGKILL
 * of the primary, promotion and rejoin; it must measure each step and write its plot and summary.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
class DemoCommandTest {

    @BeforeEach
    void wholeCluster() {
        HealthyCluster.ensure(); // another test of this profile may have crashed or promoted nodes
    }


    @TestHTTPResource("/")
    URL store;

    @Test
    void theDemoRunsEndToEndAndWritesItsPlotAndSummary() throws Exception {
        Path out = Path.of("target", "demo");
        DemoCommand.Report report = DemoCommand.run(URI.create(store.toString().replaceAll("/$", "")), "Mike",
                DemoCommand.embedded(TestCluster.settings()), Duration.ofSeconds(3), 2, out, TestCluster.settings(), System.out);

        assertTrue(report.readOnlyAfterMs() > 0 && report.writableAfterMs() > 0 && report.streamingAfterMs() > 0, report.table());
        assertTrue(report.catalogRequests() > 20, report.table());
        assertTrue(report.rentalsOk() > 0, "the counter rented before and after the failover: " + report.table());
        assertTrue(report.catalogErrors() < report.catalogRequests() / 2, "the catalog kept serving: " + report.table());
        String svg = Files.readString(report.plot());
        assertTrue(svg.startsWith("<svg") && svg.contains("read-only") && svg.contains("class=\"phase\"")
                && svg.contains("catalog requests per second"), "the plot has its phases and panels");
        String summary = Files.readString(report.summary());
        assertTrue(summary.contains("-> read-only") && summary.contains("-> writable") && summary.contains("-> streaming"), summary);
    }

    @Test
    void aStoreThatDoesNotAnswerIsExplained() {
        var error = org.junit.jupiter.api.Assertions.assertThrows(org.pagila.cluster.ClusterException.class,
                () -> DemoCommand.run(URI.create("http://127.0.0.1:9"), "Mike", DemoCommand.embedded(TestCluster.settings()), Duration.ofSeconds(1), 1,
                        Path.of("target", "demo-none"), TestCluster.settings(), System.out));
        assertTrue(error.getMessage().contains("quarkus:run"), error.getMessage());
    }
}
