package org.pagila.store.catalog;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagila.store.cluster.TestCluster;

/**
 * Catalog reads are served by the standbys, not the primary: seen from the store (X-Served-By names the node of
 * the connection each request read from) and from the database (the read pool has no session on the primary).
 */
@QuarkusTest
class StandbyReadsTest {
    static final List<String> CATALOG_ROUTES = List.of("/", "/films", "/films?category=Horror&sort=popularity", "/films/1",
            "/actors/1", "/categories", "/categories/Horror", "/search?q=dinosaur", "/search?q=acadamy+dinosuar",
            "/api/films", "/api/films?rating=PG&sort=rate", "/api/films/1", "/api/actors/1", "/api/categories",
            "/api/categories/Horror", "/api/search?q=dinosaur", "/films/99999", "/api/films/99999");
    private static final String READ_POOL = "pagila-store-reads";

    @Test
    void everyCatalogRouteIsServedByAStandby() {
        for (int round = 0; round < 3; round++) {
            for (String route : CATALOG_ROUTES) {
                String node = given().get(route).then().extract().header("X-Served-By");
                assertTrue(node != null && node.matches("node[123](, node[123])*"), route + " served by " + node);
            }
        }
    }

    @Test
    void theReadPoolHasNoSessionOnThePrimary() throws Exception {
        for (String route : CATALOG_ROUTES) {
            given().get(route).then().extract().statusCode();
        }
        String sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + READ_POOL + "'";
        long onStandbys = 0;
        for (String node : List.of("node1", "node2", "node3")) {
            try (Connection c = TestCluster.superuser(node, "postgres")) {
                onStandbys += TestCluster.count(c, sessions);
            }
        }
        try (Connection primary = TestCluster.superuser("primary", "postgres")) {
            assertEquals(0, TestCluster.count(primary, sessions), "read-pool sessions on the primary");
        }
        assertTrue(onStandbys > 0, "the read pool's sessions are on the standbys");
    }
}
