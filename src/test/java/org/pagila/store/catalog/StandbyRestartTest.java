package org.pagila.store.catalog;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.pagila.store.cluster.TestCluster;

/**
 * The read pool no longer validates every connection it hands out; these show it is still safe and spreads reads:
 * connections placed in rotation reach every standby, and after a standby restarts (its pooled connections die with
 * it) every catalog page still answers 200, and the restarted standby serves again.
 */
@QuarkusTest
class StandbyRestartTest {
    private static final List<String> ROUTES = List.of("/", "/films", "/films/7", "/api/films/9", "/search?q=dinosaur", "/categories");

    @Test
    void everyStandbyServesAndARestartedStandbyCostsNoCustomerAnError() throws Exception {
        Map<String, AtomicInteger> before = load(8, 240);
        for (String node : List.of("node1", "node2", "node3")) {
            assertTrue(before.containsKey(node), "every standby serves reads under load: " + before);
        }
        assertTrue(!before.containsKey("primary"), "no read on the primary while standbys serve: " + before);

        TestCluster.cluster().stop("node2");
        TestCluster.cluster().start("node2");
        // at once, before the store's next look at the cluster: pooled connections to node2 are dead now
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        for (int i = 0; i < 60; i++) {
            int status = given().get(ROUTES.get(i % ROUTES.size())).statusCode();
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        }
        assertEquals(Map.of(200, 60), Map.of(200, statuses.getOrDefault(200, new AtomicInteger()).get()),
                "every page answered 200 right after node2 restarted: " + statuses);
        Awaitility.await("node2 serves reads again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> load(8, 240).containsKey("node2"));
    }

    /** requests catalog pages from several clients at once; counts which node served them (failed requests fail). */
    private static Map<String, AtomicInteger> load(int clients, int requests) throws Exception {
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new java.util.ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    for (int i = client; i < requests; i += clients) {
                        String node = given().get(ROUTES.get(i % ROUTES.size())).then().statusCode(200).extract().header("X-Served-By");
                        servedBy.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return servedBy;
    }
}
