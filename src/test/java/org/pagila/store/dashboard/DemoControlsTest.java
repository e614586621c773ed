package org.pagila.store.dashboard;

import org.pagila.store.counter.Staff;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import org.junit.jupiter.api.Test;

/** With pagila.demo.controls off (the default): no controls on any page, and every request for one is refused. */
@QuarkusTest
class DemoControlsTest {

    @Test
    void thePageShowsNoControlsToAnyone() {
        given().get("/cluster").then().statusCode(200).body(containsString("mode-banner"))
                .body(not(containsString("demo-controls"))).body(not(containsString("csrf-token")));
        CookieFilter staff = Staff.signIn("Mike");
        given().filter(staff).get("/cluster").then().statusCode(200).body(containsString("mode-banner"))
                .body(not(containsString("demo-controls"))).body(not(containsString("csrf-token")));
        // the old address of the controls leads a signed-in staff member to /cluster
        given().filter(staff).redirects().follow(false).get("/staff/cluster").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.endsWith("/cluster"));
    }

    @Test
    void aRequestAnywayIsRefusedSignedOutOrIn() {
        given().redirects().follow(false).formParam("node", "node3").post("/staff/cluster/demo/freeze")
                .then().statusCode(403);
        CookieFilter staff = Staff.signIn("Mike");
        String token = Staff.csrfToken(staff);
        given().filter(staff).redirects().follow(false).accept("application/json").formParam("csrf-token", token)
                .formParam("node", "node3").post("/staff/cluster/demo/freeze")
                .then().statusCode(404).body(containsString("no demo controls"));
    }

    @Test
    void theLivePageAndItsFilesAreServed() {
        given().get("/dashboard/cluster.js").then().statusCode(200).body(containsString("EventSource"));
        given().get("/dashboard/cluster.css").then().statusCode(200);
        given().get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").then().statusCode(200);
        // no inline script or style on the page: it must work under script-src/style-src 'self'
        given().get("/cluster").then().statusCode(200).body(not(containsString("<style")))
                .body(not(containsString("style=\""))).body(not(containsString("<script>")));
    }
}
