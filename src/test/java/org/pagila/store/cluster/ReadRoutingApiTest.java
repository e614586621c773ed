package org.pagila.store.cluster;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagila.store.counter.Staff;
import org.pagila.store.dashboard.ClusterStream;

/**
 * PUT /api/cluster/reads on the real cluster: one test per status, and the reads really move (X-Served-By names the
 * node of the connection each request read from). Every test leaves the reads on the standbys, where the other
 * tests of this store expect them.
 */
@QuarkusTest
class ReadRoutingApiTest {
    private static final String ROUTE = "/api/films/1";

    @TestHTTPResource("/cluster/stream")
    URL stream;

    /** Until the read pool has no session left on the primary: the next test class expects every read on a standby. */
    @AfterEach
    void backToTheStandbys() {
        Staff.mike().body("{\"from\":\"standbys\"}").put("/api/cluster/reads").then().statusCode(200);
        await("no read-pool session on the primary").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection primary = TestCluster.superuser("primary", "postgres")) {
                return TestCluster.count(primary, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pagila-store-reads'") == 0;
            }
        });
    }

    private static String servedBy() {
        return given().get(ROUTE).then().statusCode(200).extract().header("X-Served-By");
    }

    @Test
    void staffSendTheReadsToThePrimaryAndBack() throws Exception {
        given().get("/api/cluster/reads").then().statusCode(200).body("from", equalTo("standbys")).body("reading", equalTo("standbys"))
                .body("moved", is(true));
        // answered once the read pool holds no connection on the standbys: the very next reads are on the primary
        Staff.mike().body("{\"from\":\"primary\"}").put("/api/cluster/reads").then().statusCode(200)
                .body("from", equalTo("primary")).body("reading", equalTo("primary")).body("moved", is(true));
        for (int i = 0; i < 20; i++) {
            assertEquals("primary", servedBy(), "request " + i + " after the switch");
        }
        // the /cluster page says where reads go, and its timeline who sent them there
        await("the /cluster page shows it").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> ClusterStream.firstSnapshot(stream), snapshot -> snapshot.contains("\"readsFrom\":\"primary\"")
                        && snapshot.contains("Mike sent the catalog's reads to the primary"));
        // the same choice again changes nothing and says so
        Staff.mike().body("{\"from\":\"primary\"}").put("/api/cluster/reads").then().statusCode(200).body("from", equalTo("primary"));

        Staff.mike().body("{\"from\":\"standbys\"}").put("/api/cluster/reads").then().statusCode(200).body("from", equalTo("standbys"))
                .body("moved", is(true));
        for (int i = 0; i < 20; i++) {
            String node = servedBy();
            assertTrue(node.matches("node[123]"), "request " + i + " after the switch back served by " + node);
        }
    }

    @Test
    void anUnknownSourceIs400WithWhatItTakes() {
        Staff.mike().body("{\"from\":\"node2\"}").put("/api/cluster/reads").then().statusCode(400)
                .body("message", containsString("{\"from\": \"primary\"}")).body("message", containsString("not 'node2'"));
        Staff.mike().body("{}").put("/api/cluster/reads").then().statusCode(400).body("message", containsString("Say where reads go"));
        given().get("/api/cluster/reads").then().statusCode(200).body("from", equalTo("standbys"));
    }

    @Test
    void withoutStaffCredentialsIs401AndNothingMoves() {
        given().contentType("application/json").body("{\"from\":\"primary\"}").put("/api/cluster/reads").then().statusCode(401)
                .header("WWW-Authenticate", "basic realm=\"Pagila Store\"").body("status", is(401));
        given().auth().preemptive().basic("Mike", "not-his-password").contentType("application/json")
                .body("{\"from\":\"primary\"}").put("/api/cluster/reads").then().statusCode(401);
        given().get("/api/cluster/reads").then().statusCode(200).body("from", equalTo("standbys"));
    }

    /** The sign-in throttle guards this PUT as every Basic request; its own client address and username, as SignInHardeningTest. */
    @Test
    void repeatedWrongPasswordsAre429AndNothingMoves() {
        String user = "reads" + System.nanoTime();
        String from = Staff.clientAddress();
        int limit = Staff.signInLimit("pagila.sign-in.max-failures-per-username");
        for (int i = 0; i < limit; i++) {
            given().header("X-Forwarded-For", from).auth().preemptive().basic(user, "wrong" + i).contentType("application/json")
                    .body("{\"from\":\"primary\"}").put("/api/cluster/reads").then().statusCode(401);
        }
        given().header("X-Forwarded-For", from).auth().preemptive().basic(user, "another").contentType("application/json")
                .body("{\"from\":\"primary\"}").put("/api/cluster/reads").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        given().get("/api/cluster/reads").then().statusCode(200).body("from", equalTo("standbys"));
    }

    @Test
    void aFormBodyIs415() {
        given().auth().preemptive().basic("Mike", Staff.password("Mike")).contentType("application/x-www-form-urlencoded")
                .formParam("from", "primary").put("/api/cluster/reads").then().statusCode(415);
        given().get("/api/cluster/reads").then().statusCode(200).body("from", equalTo("standbys"));
    }
}
