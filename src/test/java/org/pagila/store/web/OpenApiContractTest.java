package org.pagila.store.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * /q/openapi is the contract the README promises: every operation of every resource names its answers, success and
 * failure alike, with the statuses the store's own rules give (sign-in, CSRF, JSON bodies, unknown ids).
 */
@QuarkusTest
class OpenApiContractTest {
    /** Answered from memory (the cluster view): nothing the caller sends can fail them. */
    private static final Set<String> NO_ERRORS = Set.of("/cluster", "/cluster/stream", "/api/cluster", "/api/cluster/reads");

    @Test
    void everyOperationDeclaresItsStatuses() {
        Map<String, Map<String, Map<String, Object>>> paths = given().accept("application/json")
                .get(Management.url("/q/openapi")).then().statusCode(200).extract().jsonPath().getMap("paths");
        List<String> gaps = new ArrayList<>();
        assertTrue(paths.size() >= 25, "all resources are in the contract: " + paths.keySet());
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            @SuppressWarnings("unchecked")
            Set<String> codes = ((Map<String, Object>) operation.getOrDefault("responses", Map.of())).keySet();
            String where = method.toUpperCase() + " " + path;
            if (codes.stream().noneMatch(c -> c.startsWith("2") || c.startsWith("3"))) {
                gaps.add(where + ": no success status");
            }
            if (!NO_ERRORS.contains(path) && codes.stream().noneMatch(c -> c.startsWith("4") || c.startsWith("5"))) {
                gaps.add(where + ": no error status");
            }
            if ((path.startsWith("/api/customers") || path.startsWith("/api/rentals")) && !codes.containsAll(Set.of("401", "429"))) {
                gaps.add(where + ": staff API without 401/429");
            }
            if (path.startsWith("/api/") && method.equals("post") && !codes.contains("415")) {
                gaps.add(where + ": takes JSON, no 415");
            }
            if (path.startsWith("/staff/") && method.equals("post") && !codes.containsAll(Set.of("400", "403"))) {
                gaps.add(where + ": a form without 400/403 (CSRF)");
            }
            if (path.contains("{") && !codes.contains("404")) {
                gaps.add(where + ": an id without 404");
            }
        }));
        assertTrue(gaps.isEmpty(), String.join("\n", gaps));
    }
}
