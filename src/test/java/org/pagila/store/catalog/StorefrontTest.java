package org.pagila.store.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class StorefrontTest {

    @Test
    void theStorefrontListsFilmsReadFromAStandby() {
        given().when().get("/")
                .then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("BUCKET BROTHERHOOD")) // Pagila's most rented film (34 rentals)
                .body(containsString("href=\"/categories/Horror\">Horror <span class=\"count\">56</span>"))
                .body(containsString("action=\"/search\""))
                .header("X-Served-By", matchesPattern("node[123]"))
                .body(containsString("Served by <strong>node"));
    }

    @Test
    void concurrentReadsSpreadOverSeveralStandbys() throws Exception {
        Set<String> servedBy = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int client = 0; client < 16; client++) {
                done.add(clients.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        servedBy.add(given().get("/").then().statusCode(200).extract().header("X-Served-By"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        assertTrue(servedBy.stream().allMatch(n -> n.matches("node[123](, node[123])*")), "only standbys serve reads: " + servedBy);
        long distinct = servedBy.stream().flatMap(n -> java.util.Arrays.stream(n.split(", "))).distinct().count();
        assertTrue(distinct >= 2, "reads should spread over at least two standbys, saw " + servedBy);
    }

    @Test
    void theHttpContractIsPublishedAsOpenApi() {
        given().accept("application/json").get(org.pagila.store.web.Management.url("/q/openapi")).then().statusCode(200)
                .body("paths.'/api/films'.get", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/rentals'.post", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/cluster'.get", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void healthIsUp() {
        given().get(org.pagila.store.web.Management.url("/q/health/live")).then().statusCode(200).body("status", is("UP"));
        given().get(org.pagila.store.web.Management.url("/q/health/ready")).then().statusCode(200).body("status", is("UP"));
    }
}
