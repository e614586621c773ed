package org.pagila.store.failover;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagila.store.failover.StoreUnderFailover.BANNER;
import static org.pagila.store.failover.StoreUnderFailover.awaitTrue;
import static org.pagila.store.failover.StoreUnderFailover.countQuietly;
import static org.pagila.store.failover.StoreUnderFailover.freeCopy;
import static org.pagila.store.failover.StoreUnderFailover.killAndAwaitReadOnly;
import static org.pagila.store.failover.StoreUnderFailover.rent;
import static org.pagila.store.failover.StoreUnderFailover.writesAnswerReadOnly;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.TestCluster;

/**
 * The store survives losing its primary: real processes, a real SIGKILL of the real primary, a real promotion and
 * rejoin, all against the same running store. Each test starts from a healthy cluster of its own making
 * (HealthyCluster repairs whatever the previous one left), so any test runs alone or in any order. The failures short
 * of a dead primary (a standby behind, a frozen primary, two primaries) are in PartialFailureTest.
 */
@QuarkusTest
@TestProfile(FailoverProfile.class)
@ExtendWith(HealthyCluster.class)
class FailoverTest {
    /** The primary of the healthy cluster this test starts from. */
    private String primary;

    @BeforeEach
    void healthyCluster() {
        primary = HealthyCluster.ensure();
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
}
