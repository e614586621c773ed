package org.pagila.store.failover;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagila.store.failover.StoreUnderFailover.BANNER;
import static org.pagila.store.failover.StoreUnderFailover.awaitTrue;
import static org.pagila.store.failover.StoreUnderFailover.freeCopy;
import static org.pagila.store.failover.StoreUnderFailover.rent;
import static org.pagila.store.failover.StoreUnderFailover.servesReads;
import static org.pagila.store.failover.StoreUnderFailover.writesAnswerReadOnly;
import static org.pagila.store.failover.StoreUnderFailover.NO_HANG_MILLIS;

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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.store.cluster.TestCluster;

/**
 * The failures short of a dead primary, against the same running store as FailoverTest (same profile, so Quarkus
 * starts once for both): a standby that fell behind, a primary frozen by SIGSTOP, and two primaries at once.
 * Each test starts from a healthy cluster of its own making, so any test runs alone or in any order.
 */
@QuarkusTest
@TestProfile(FailoverProfile.class)
@ExtendWith(HealthyCluster.class)
class PartialFailureTest {
    /** The primary of the healthy cluster this test starts from. */
    private String primary;

    @BeforeEach
    void healthyCluster() {
        primary = HealthyCluster.ensure();
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
}
