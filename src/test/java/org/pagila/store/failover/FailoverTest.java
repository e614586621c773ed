package org.pagila.store.failover;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.TestCluster;

/**
 * The store survives losing its primary: real processes, a real SIGKILL (or SIGSTOP) of the real primary, a real
 * promotion and rejoin, all against the same running store. Each test starts from a healthy cluster of its own
 * making (HealthyCluster repairs whatever the previous one left), so any test runs alone or in any order.
 */
@QuarkusTest
@TestProfile(FailoverProfile.class)
class FailoverTest {
    private static final String BANNER = "Rentals are paused while the database fails over";

    /** The primary of the healthy cluster this test starts from. */
    private String primary;

    @BeforeEach
    void healthyCluster() {
        primary = HealthyCluster.ensure();
    }

    /** Also after: the last test must not leave a killed node behind for the cluster's removal at the end. */
    @AfterEach
    void repairCluster() {
        HealthyCluster.ensure();
    }

    @Test
    void readsAvoidAStandbyThatFellBehindWhileFresherNodesServe() throws Exception {
        String lagging = HealthyCluster.standbys().get(HealthyCluster.standbys().size() - 1);
        String conninfo;
        try (Connection node3 = TestCluster.superuser(lagging, "postgres"); Statement s = node3.createStatement()) {
            try (var rs = s.executeQuery("SHOW primary_conninfo")) {
                rs.next();
                conninfo = rs.getString(1);
            }
            // cut node3 off from the primary: it keeps serving, ever staler
            s.execute("ALTER SYSTEM SET primary_conninfo = ''");
            s.execute("SELECT pg_reload_conf()");
        }
        try {
            try (Connection c = TestCluster.superuser(primary, "pagila"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS heartbeat (at timestamptz)");
                long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                while (System.nanoTime() < until) {
                    s.execute("INSERT INTO heartbeat VALUES (now())");
                    Thread.sleep(200);
                }
            }
            awaitTrue(Duration.ofSeconds(5), () -> !servesReads(lagging), lagging + " marked too far behind");
            for (int i = 0; i < 60; i++) {
                String servedBy = given().get("/").then().statusCode(200).extract().header("X-Served-By");
                assertTrue(!servedBy.contains(lagging), "read served by the lagging " + lagging + ": " + servedBy);
            }
        } finally {
            try (Connection node3 = TestCluster.superuser(lagging, "postgres"); Statement s = node3.createStatement()) {
                s.execute("ALTER SYSTEM SET primary_conninfo = " + "'" + conninfo.replace("'", "''") + "'");
                s.execute("SELECT pg_reload_conf()");
            }
        }
        awaitTrue(Duration.ofSeconds(10), () -> servesReads(lagging), lagging + " serves reads again once it caught up");
    }

    private static boolean servesReads(String node) {
        List<Map<String, Object>> nodes = given().get("/api/cluster").then().statusCode(200).extract().path("nodes");
        return nodes.stream().filter(n -> node.equals(n.get("name"))).anyMatch(n -> Boolean.TRUE.equals(n.get("servesReads")));
    }

    @Test
    void theCatalogKeepsServingWithoutErrorsWhileThePrimaryIsKilled() throws Exception {
        EmbeddedCluster cluster = TestCluster.cluster();
        given().get("/").then().statusCode(200).body(not(containsString(BANNER)));
        assertEquals("READ_WRITE", given().get("/api/cluster").then().statusCode(200).extract().path("mode"));

        int copyBeforeKill = freeCopy(primary);
        assertEquals(201, rent(freeCopy(primary)).statusCode(), "a rental works before the kill");
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger readinessDown = new AtomicInteger();
        long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String path = i % 2 == 0 ? "/" : org.pagila.store.web.Management.url("/q/health/ready");
                running.add(clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        int status = given().get(path).statusCode();
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        if (path.contains("/q/health") && status != 200) {
                            readinessDown.incrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(1000);
            cluster.kill(primary);
            awaitTrue(Duration.ofSeconds(3), () -> given().get("/").asString().contains(BANNER), "banner after the kill");
            assertEquals("READ_ONLY", given().get("/api/cluster").then().extract().path("mode"));
            writesAnswerReadOnly(40, copyBeforeKill, "after kill -9 of the primary");
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf("[failover] catalog during the kill: %d requests, statuses %s%n", total, statuses);
        assertEquals(Map.of(200, total), Map.of(200, statuses.getOrDefault(200, new AtomicInteger()).get()),
                "every catalog and readiness request answers 200 across the kill: " + statuses);
        assertEquals(0, readinessDown.get());
        assertTrue(total > 40, "the clients really ran: " + total);
    }

    @Test
    void afterPromotionTheSameStoreTakesWritesAgainAndTheOtherStandbysFollow() throws Exception {
        EmbeddedCluster cluster = TestCluster.cluster();
        killAndAwaitReadOnly(cluster, primary);
        String promoted = cluster.promote(Optional.empty());
        int copy = freeCopy(promoted);
        long promotedAt = System.nanoTime();
        Integer rentalId = null;
        while (rentalId == null) {
            Response response = rent(copy);
            if (response.statusCode() == 201) {
                rentalId = response.path("rentalId");
            } else {
                assertEquals(503, response.statusCode(), "while the store catches up it answers read-only: " + response.asString());
                assertTrue(System.nanoTime() - promotedAt < Duration.ofSeconds(2).toNanos(), "no successful rental within 2 s of the promotion");
                Thread.sleep(50);
            }
        }
        System.out.printf("[failover] first rental after the promotion of %s succeeded %d ms after promote returned%n",
                promoted, (System.nanoTime() - promotedAt) / 1_000_000);
        assertEquals("READ_WRITE", given().get("/api/cluster").then().extract().path("mode"));
        assertEquals(promoted, given().get("/api/cluster").then().extract().path("primary"));
        given().get("/").then().statusCode(200).body(not(containsString(BANNER)));

        List<NodeStatus> status = cluster.status();
        String newPrimaryPort = String.valueOf(TestCluster.settings().node(promoted).port());
        for (NodeStatus node : status) {
            if (node.role() == NodeStatus.Role.STANDBY) {
                assertTrue(node.upstream().orElse("").contains(":" + newPrimaryPort + " (streaming)"), node.name() + " follows " + promoted + ": " + status);
                assertEquals(Optional.of(true), node.slotActive(), node.name() + " slot on " + promoted);
            }
        }
        try (Connection c = TestCluster.superuser(promoted, "pagila"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS after_promotion (id int)");
            s.execute("INSERT INTO after_promotion VALUES (7)");
        }
        String newRental = "SELECT count(*) FROM rental WHERE rental_id = " + rentalId + " AND inventory_id = " + copy;
        for (NodeStatus node : status) {
            if (node.role() == NodeStatus.Role.STANDBY) {
                try (Connection c = TestCluster.superuser(node.name(), "pagila")) {
                    awaitTrue(Duration.ofSeconds(5), () -> countQuietly(c, "SELECT count(*) FROM after_promotion WHERE id = 7") >= 1
                            && countQuietly(c, newRental) == 1, node.name() + " sees the rental and the row written on the new primary");
                }
            }
        }
    }

    @Test
    void afterRejoinTheOldPrimaryIsAStreamingStandbyServingReads() throws Exception {
        EmbeddedCluster cluster = TestCluster.cluster();
        String old = primary;
        killAndAwaitReadOnly(cluster, old);
        String promoted = cluster.promote(Optional.empty());
        String marker = "rejoin-" + System.nanoTime();
        try (Connection c = TestCluster.superuser(promoted, "pagila"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS after_failover (note text)");
            s.execute("INSERT INTO after_failover VALUES ('" + marker + "')");
        }
        cluster.rejoin(old);
        NodeStatus rejoined = cluster.status().stream().filter(n -> n.name().equals(old)).findFirst().orElseThrow();
        assertEquals(NodeStatus.Role.STANDBY, rejoined.role(), cluster.statusTable());
        assertTrue(rejoined.upstream().orElse("").endsWith("(streaming)"), cluster.statusTable());
        assertEquals(Optional.of(true), rejoined.slotActive());
        try (Connection c = TestCluster.superuser(old, "pagila")) {
            awaitTrue(Duration.ofSeconds(5), () -> countQuietly(c, "SELECT count(*) FROM after_failover WHERE note = '" + marker + "'") == 1,
                    "the rejoined node has the rows written after the failover");
        }
        try (Connection c = TestCluster.as(old, "pagila", org.pagila.cluster.secrets.Secrets.APP_USER)) {
            assertEquals(1000, TestCluster.count(c, "SELECT count(*) FROM film"), "the store's login reads from it");
        }
        given().get(org.pagila.store.web.Management.url("/q/health/ready")).then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void aFrozenPrimaryTurnsTheStoreReadOnlyInsteadOfHanging() throws Exception {
        EmbeddedCluster cluster = TestCluster.cluster();
        String frozen = primary;
        int copy = freeCopy(frozen);
        cluster.freeze(frozen);
        try {
            // the first attempts may reach the frozen primary before the store notices: bounded by the timeout
            long start = System.nanoTime();
            Response first = rent(copy);
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[failover] first rental against the frozen primary: HTTP %d after %d ms%n", first.statusCode(), firstMillis);
            assertEquals(503, first.statusCode(), first.asString());
            assertTrue(firstMillis < NO_HANG_MILLIS, "a write against a frozen primary must not hang: " + firstMillis + " ms");
            awaitTrue(Duration.ofSeconds(6), () -> "READ_ONLY".equals(given().get("/api/cluster").then().extract().path("mode")),
                    "a frozen primary is noticed");
            Response page = given().get("/");
            assertEquals(200, page.statusCode());
            assertTrue(page.asString().contains(BANNER));
            given().get(org.pagila.store.web.Management.url("/q/health/ready")).then().statusCode(200);
            writesAnswerReadOnly(20, copy, "with the primary frozen (SIGSTOP)");
        } finally {
            cluster.kill(frozen);
        }
        String next = cluster.promote(Optional.empty());
        awaitTrue(Duration.ofSeconds(3), () -> "READ_WRITE".equals(given().get("/api/cluster").then().extract().path("mode")),
                "writable again after promoting " + next);
        int after = freeCopy(next);
        awaitTrue(Duration.ofSeconds(3), () -> rent(after).statusCode() == 201, "a rental succeeds after promoting " + next);
    }

    /**
     * Split brain without fencing: a standby promoted by SQL while the old primary keeps running and accepting
     * writes. The store must write only to the promoted node (higher timeline) and say so everywhere.
     */
    @Test
    void withTwoPrimariesRentalsGoOnlyToTheHigherTimelineAndTheConflictIsShown() throws Exception {
        String old = primary;
        String promoted = HealthyCluster.standbys().get(0);
        try (Connection c = TestCluster.superuser(promoted, "postgres"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_promote()")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "pg_promote() completed on " + promoted);
        }
        try (Connection c = TestCluster.superuser(old, "postgres")) {
            assertEquals(0, TestCluster.count(c, "SELECT pg_is_in_recovery()::int"),
                    old + " still runs as a primary: a real split brain");
        }
        awaitTrue(Duration.ofSeconds(5), () -> promoted.equals(given().get("/api/cluster").then().extract().path("primary")),
                "the store picks " + promoted + ", the higher timeline");
        var api = given().get("/api/cluster").then().statusCode(200).extract();
        assertEquals("READ_WRITE", api.path("mode"));
        assertEquals(List.of(old), api.path("olderPrimaries"));
        String conflict = api.path("conflict");
        assertTrue(conflict != null && conflict.contains(promoted + " (timeline") && conflict.contains(old + " (timeline"), conflict);
        List<Map<String, Object>> nodes = api.path("nodes");
        Map<String, Object> oldNode = nodes.stream().filter(n -> old.equals(n.get("name"))).findFirst().orElseThrow();
        Map<String, Object> newNode = nodes.stream().filter(n -> promoted.equals(n.get("name"))).findFirst().orElseThrow();
        assertEquals("primary", oldNode.get("role"));
        assertEquals(false, oldNode.get("servesReads"), "reads avoid the older primary");
        assertTrue(((Number) newNode.get("timeline")).longValue() > ((Number) oldNode.get("timeline")).longValue(), nodes.toString());

        given().get(org.pagila.store.web.Management.url("/q/health/ready")).then().statusCode(200).body("checks.find { it.name == 'cluster' }.data.conflict", is(conflict));
        assertTrue(given().get("/").then().statusCode(200).extract().asString().contains("Split brain"), "the page banner shows it");

        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int copy = freeCopy(promoted);
            Integer rentalId = Awaitility.await("a rental is accepted during the split brain").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        Response r = rent(copy);
                        return r.statusCode() == 201 ? r.<Integer>path("rentalId") : null;
                    }, java.util.Objects::nonNull);
            String rental = "SELECT count(*) FROM rental WHERE rental_id = " + rentalId + " AND inventory_id = " + copy
                    + " AND customer_id = 1";
            try (Connection onNew = TestCluster.superuser(promoted, "pagila"); Connection onOld = TestCluster.superuser(old, "pagila")) {
                assertEquals(1, TestCluster.count(onNew, rental), "rental " + rentalId + " is on " + promoted);
                assertEquals(0, TestCluster.count(onOld, rental), "rental " + rentalId + " never reached the older " + old);
            }
            landed.add(rentalId + "@" + promoted);
        }
        System.out.printf("[failover] split brain (%s on an older timeline than %s): rentals %s%n", old, promoted, landed);
    }

    private static void killAndAwaitReadOnly(EmbeddedCluster cluster, String node) throws InterruptedException {
        cluster.kill(node);
        awaitTrue(Duration.ofSeconds(5), () -> "READ_ONLY".equals(given().get("/api/cluster").then().extract().path("mode")),
                "the store notices that " + node + " is gone");
    }

    /** A copy at store 1 that nobody has out, found on whichever node is the primary now. */
    private static int freeCopy(String primaryNode) throws Exception {
        try (Connection c = TestCluster.superuser(primaryNode, "pagila"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT inventory_id FROM inventory i WHERE store_id = 1 AND NOT EXISTS "
                     + "(SELECT FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL) ORDER BY random() LIMIT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Response rent(int inventoryId) {
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
    private static final long NO_HANG_MILLIS = 10_000;

    /** Repeated rental attempts while no primary takes writes: each must be a 503 read-only answer, none a hang. */
    private static void writesAnswerReadOnly(int attempts, int inventoryId, String situation) {
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

    private static long countQuietly(Connection c, String sql) {
        try {
            return TestCluster.count(c, sql);
        } catch (Exception e) {
            return -1;
        }
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }
}
