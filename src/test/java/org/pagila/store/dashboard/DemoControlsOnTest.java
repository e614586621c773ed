package org.pagila.store.dashboard;

import org.pagila.store.counter.Staff;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.filter.cookie.CookieFilter;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagila.store.failover.HealthyCluster;
import org.pagila.store.cluster.ClusterState;

/**
 * With pagila.demo.controls=true on the embedded cluster: the controls on /cluster for signed-in staff only, CSRF
 * enforced (with the token /cluster itself hands out), logged, never cached.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
class DemoControlsOnTest {

    @BeforeEach
    void wholeCluster() {
        HealthyCluster.ensure(); // another test of this profile may have crashed or promoted nodes
    }


    @Inject
    ClusterEvents events;

    @Inject
    ClusterState state;

    @Test
    void signedOutNoControlsAndRefused() {
        given().get("/cluster").then().statusCode(200).body(containsString("mode-banner"))
                .body(not(containsString("demo-controls"))).body(not(containsString("csrf-token")))
                .header("Set-Cookie", org.hamcrest.Matchers.nullValue());
        // the way in for staff: sign in, then (form auth's redirect after login) /staff/cluster sends on to /cluster
        given().redirects().follow(false).get("/staff/cluster").then().statusCode(302);
        // a signed-out browser that somehow has a CSRF cookie and token still gets 403
        given().redirects().follow(false).cookie("pagila-csrf", "forged").formParam("csrf-token", "forged")
                .formParam("node", "node3").post("/staff/cluster/demo/kill").then().statusCode(403);
    }

    @Test
    void csrfIsEnforced() {
        CookieFilter staff = Staff.signIn("Mike");
        Staff.csrfToken(staff);
        given().filter(staff).redirects().follow(false).formParam("node", "node3").post("/staff/cluster/demo/kill")
                .then().statusCode(403);
        given().filter(staff).redirects().follow(false).formParam("csrf-token", "not-the-token").formParam("node", "node3")
                .post("/staff/cluster/demo/kill").then().statusCode(403);
        assertTrue(state.view().nodes().stream().allMatch(n -> n.isUp()), "nothing was killed");
    }

    @Test
    void signedInStaffFreezeAndThawAStandbyFromClusterAndTheTimelineSaysSo() {
        CookieFilter staff = Staff.signIn("Mike");
        // /cluster first, before any /staff page: it hands out the CSRF cookie its forms need
        String page = given().filter(staff).get("/cluster").then().statusCode(200).header("Cache-Control", "no-store")
                .body(containsString("id=\"demo-controls\"")).body(containsString("/staff/cluster/demo/promote"))
                .body(containsString("data-action=\"freeze\"")).body(not(containsString("data-action=\"crash\"")))
                .extract().asString();
        String token = page.replaceAll("(?s).*name=\"csrf-token\" value=\"([^\"]+)\".*", "$1");
        assertEquals(token, Staff.csrfToken(staff), "/cluster and the counter pages share one token: neither breaks the other's forms");
        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", "node3")
                .post("/staff/cluster/demo/crash").then().statusCode(404).body(containsString("for this cluster"));
        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", "nodeX")
                .post("/staff/cluster/demo/freeze").then().statusCode(400);
        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", "node3")
                .post("/staff/cluster/demo/explode").then().statusCode(404);

        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", "node3")
                .post("/staff/cluster/demo/freeze").then().statusCode(200).body(containsString("frozen"));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> events.recent().stream()
                    .anyMatch(e -> e.type() == ClusterEvent.Type.NODE_DOWN && "node3".equals(e.node())));
        } finally {
            given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", "node3")
                    .post("/staff/cluster/demo/thaw").then().statusCode(200).body(containsString("thawed"));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.recent().stream()
                .anyMatch(e -> e.type() == ClusterEvent.Type.NODE_BACK && "node3".equals(e.node())));
        assertTrue(events.recent().stream().anyMatch(e -> e.type() == ClusterEvent.Type.DEMO_CONTROL
                && e.message().equals("Mike pressed freeze node3")), events.recent().toString());
        // a refusal of the tooling comes back as 409, not a 500
        given().filter(staff).accept("application/json").formParam("csrf-token", token).formParam("node", "auto")
                .post("/staff/cluster/demo/promote").then().statusCode(409).body(containsString("running primary"));
    }
}
