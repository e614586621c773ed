package org.pagila.store.failover;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.store.cluster.TestCluster;

/** The steps FailoverTest and PartialFailureTest share: renting a copy, watching the store's mode, the read-only answer. */
final class StoreUnderFailover {
    static final String BANNER = "Rentals are paused while the database fails over";

    private StoreUnderFailover() {
    }

    static void killAndAwaitReadOnly(EmbeddedCluster cluster, String node) throws InterruptedException {
        cluster.kill(node);
        awaitTrue(Duration.ofSeconds(5), () -> "READ_ONLY".equals(given().get("/api/cluster").then().extract().path("mode")),
                "the store notices that " + node + " is gone");
    }

    /** A copy at store 1 that nobody has out, found on whichever node is the primary now. */
    static int freeCopy(String primaryNode) throws Exception {
        try (Connection c = TestCluster.superuser(primaryNode, "pagila"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT inventory_id FROM inventory i WHERE store_id = 1 AND NOT EXISTS "
                     + "(SELECT FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL) ORDER BY random() LIMIT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static Response rent(int inventoryId) {
        String password = org.pagila.cluster.secrets.Secrets.load(TestCluster.settings().secretsFile())
                .get(org.pagila.cluster.secrets.StaffPasswords.secretsKey("Mike"));
        return given().auth().preemptive().basic("Mike", password).contentType("application/json")
                .body("{\"customerId\": 1, \"inventoryId\": " + inventoryId + "}").post("/api/rentals");
    }

    /**
     * A hang is what this guards against: an attempt slower than the longest database timeout the store sets (the
     * driver's loginTimeout, 10 s) waited on something no timeout bounds. How fast the refusals are is a figure to
     * print (the README's table), not to assert: on a loaded 2-core machine (load average 38 in one run) the bcrypt
     * check of each request alone took seconds.
     */
    static final long NO_HANG_MILLIS = 10_000;

    /** Repeated rental attempts while no primary takes writes: each must be a 503 read-only answer, none a hang. */
    static void writesAnswerReadOnly(int attempts, int inventoryId, String situation) {
        long limitMillis = NO_HANG_MILLIS;
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            long start = System.nanoTime();
            Response response = rent(inventoryId);
            long took = (System.nanoTime() - start) / 1_000_000;
            millis.add(took);
            assertEquals(503, response.statusCode(), situation + ": " + response.asString());
            assertEquals("5", response.header("Retry-After"));
            assertEquals("Rentals are paused while the database fails over; browsing works.", response.path("message"));
        }
        millis.sort(Long::compare);
        long p50 = millis.get(millis.size() / 2);
        long p99 = millis.get(Math.min(millis.size() - 1, (int) Math.ceil(millis.size() * 0.99) - 1));
        System.out.printf("[failover] %s: %d rental attempts answered 503 read-only, p50 %d ms, p99 %d ms, max %d ms%n",
                situation, attempts, p50, p99, millis.get(millis.size() - 1));
        assertTrue(p99 <= limitMillis, situation + ": p99 " + p99 + " ms over " + limitMillis + " ms: " + millis);
    }

    static long countQuietly(Connection c, String sql) {
        try {
            return TestCluster.count(c, sql);
        } catch (Exception e) {
            return -1;
        }
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    static boolean servesReads(String node) {
        List<Map<String, Object>> nodes = given().get("/api/cluster").then().statusCode(200).extract().path("nodes");
        return nodes.stream().filter(n -> node.equals(n.get("name"))).anyMatch(n -> Boolean.TRUE.equals(n.get("servesReads")));
    }

}
