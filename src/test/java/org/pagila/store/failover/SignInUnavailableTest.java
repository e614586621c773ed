package org.pagila.store.failover;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.store.cluster.TestCluster;
import org.pagila.store.counter.Staff;

/**
 * With no node answering, a sign-in cannot be judged: the store says "try again soon" (503 + Retry-After), never
 * "wrong password" (401), for the API and for the sign-in form. Seen first on starved VMs (KvmTopologyIT), where a
 * standby too slow to hand out a connection made a correct password look wrong.
 */
@QuarkusTest
@TestProfile(FailoverProfile.class)
class SignInUnavailableTest {

    @BeforeEach
    void allNodesDown() {
        HealthyCluster.ensure();
        EmbeddedCluster cluster = TestCluster.cluster();
        ClusterSettings.NODE_NAMES.forEach(cluster::kill);
        Awaitility.await("the store sees no node").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "UNAVAILABLE".equals(given().get("/api/cluster").then().extract().path("mode")));
    }

    @AfterEach
    void nodesBack() {
        ClusterSettings.NODE_NAMES.forEach(TestCluster.cluster()::start);
        HealthyCluster.ensure();
    }

    /** One test for both doors: taking the whole cluster down and back costs a minute. */
    @Test
    void theApiAnswers503WithRetryAfterAndTheFormSaysThePasswordWasNotChecked() {
        Staff.mike().body("{\"customerId\": 1, \"inventoryId\": 1}").post("/api/rentals").then()
                .statusCode(503)
                .header("Retry-After", "2")
                .body("status", equalTo(503))
                .body("message", containsString("cannot reach the database"));

        String location = Staff.signInForm("Mike", Staff.password("Mike")).post("/j_security_check").then()
                .statusCode(302).extract().header("Location");
        given().redirects().follow(false).get(location).then()
                .statusCode(503)
                .header("Retry-After", "2")
                .body(containsString("Your password was not checked"));
    }
}
