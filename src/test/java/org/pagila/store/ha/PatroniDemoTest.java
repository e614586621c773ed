package org.pagila.store.ha;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.filter.cookie.CookieFilter;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.pagila.cluster.demo.DemoCommand;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.ha.PatroniRest;
import org.pagila.store.counter.Staff;
import org.pagila.store.dashboard.ClusterEvent;
import org.pagila.store.dashboard.ClusterEvents;

/**
 * The classroom demo under `up --ha` (real etcd, Patroni, PostgreSQL 15): a signed-in staff member crashes a member
 * from the /cluster page and brings it back, and `cluster/pagila-cluster demo` runs end to end with Patroni doing the
 * promotion. Shares PatroniFailoverTest's cluster (same profile), so it costs no second bring-up.
 */
@QuarkusTest
@TestProfile(PatroniProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf("org.pagila.store.ha.PatroniTestCluster#packagesOrCi")
class PatroniDemoTest {
    private final PatroniCluster cluster = PatroniTestCluster.cluster();

    @Inject
    ClusterEvents events;

    @TestHTTPResource("/")
    URL store;

    @Test
    @Order(1)
    void staffCrashAMemberFromTheClusterPageAndRejoinIt() {
        HaTestSupport.await(Duration.ofSeconds(60), () -> "READ_WRITE".equals(HaTestSupport.mode()), "store READ_WRITE at start");
        String standby = cluster.rest().view().flatMap(v -> v.members().stream()
                .filter(m -> !m.isLeader() && m.isRunningOrStreaming()).map(PatroniRest.Member::name).findFirst()).orElseThrow();
        CookieFilter staff = Staff.signIn("Mike");
        String page = given().filter(staff).get("/cluster").then().statusCode(200)
                .body(containsString("data-action=\"crash\"")).body(containsString("data-action=\"rejoin\""))
                .body(not(containsString("data-action=\"freeze\""))).extract().asString();
        String token = page.replaceAll("(?s).*name=\"csrf-token\" value=\"([^\"]+)\".*", "$1");
        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", standby)
                .post("/staff/cluster/demo/freeze").then().statusCode(404).body(containsString("for this cluster"));

        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", standby)
                .post("/staff/cluster/demo/crash").then().statusCode(200).body(containsString("crashed"));
        assertFalse(cluster.members().patroni(standby).isRunning(), "the member's Patroni is gone");
        assertTrue(cluster.members().postmaster(standby).isEmpty(), "and so is its PostgreSQL");
        HaTestSupport.await(Duration.ofSeconds(30), () -> event(ClusterEvent.Type.NODE_DOWN, standby), standby + " down on the page");

        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", standby)
                .post("/staff/cluster/demo/rejoin").then().statusCode(200).body(containsString("Patroni started"));
        HaTestSupport.await(Duration.ofSeconds(180), () -> event(ClusterEvent.Type.NODE_BACK, standby), standby + " streaming again");
        assertTrue(events.recent().stream().anyMatch(e -> e.type() == ClusterEvent.Type.DEMO_CONTROL
                && e.message().equals("Mike pressed crash " + standby)), events.recent().toString());
    }

    @Test
    @Order(2)
    void theDemoCommandRunsOnPatroniEndToEnd() throws Exception {
        HaTestSupport.await(Duration.ofSeconds(60), () -> "READ_WRITE".equals(HaTestSupport.mode()), "store READ_WRITE at start");
        String leader = HaTestSupport.leader(cluster);
        DemoCommand.Report report = DemoCommand.run(URI.create(store.toString().replaceAll("/$", "")), "Mike",
                DemoCommand.faults("auto", PatroniTestCluster.settings()), Duration.ofSeconds(2), 2, Path.of("target", "demo-ha"),
                PatroniTestCluster.settings().cluster(), System.out);

        assertTrue(report.readOnlyAfterMs() > 0 && report.writableAfterMs() > 0 && report.streamingAfterMs() > 0, report.table());
        assertNotEquals(leader, HaTestSupport.leader(cluster), "Patroni promoted another member");
        assertTrue(report.rentalsOk() > 0 && report.rentalsPaused() > 0, "rentals before and after, paused between: " + report.table());
        assertTrue(report.catalogErrors() < report.catalogRequests() / 2, "the catalog kept serving: " + report.table());
        String summary = Files.readString(report.summary());
        assertTrue(summary.contains("-> read-only") && summary.contains("-> writable") && summary.contains("-> streaming"), summary);
        assertTrue(Files.readString(report.plot()).contains("class=\"phase\""), "the plot has its phases");
    }

    private boolean event(ClusterEvent.Type type, String node) {
        return events.recent().stream().anyMatch(e -> e.type() == type && node.equals(e.node()));
    }
}
