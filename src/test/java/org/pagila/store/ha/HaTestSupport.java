package org.pagila.store.ha;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.ha.PatroniRest;

/** What the Patroni tests and the benchmark share: the cluster behind the store's back, rentals through the store. */
final class HaTestSupport {
    private HaTestSupport() {
    }

    static String leader(PatroniCluster cluster) {
        return cluster.rest().view().flatMap(PatroniRest.View::leader).filter(PatroniRest.Member::isRunningOrStreaming)
                .map(PatroniRest.Member::name).orElse(null);
    }

    static Response rent(PatroniCluster cluster, int inventoryId) {
        String password = Secrets.load(cluster.settings().cluster().secretsFile()).get(StaffPasswords.secretsKey("Mike"));
        return given().auth().preemptive().basic("Mike", password).contentType("application/json")
                .body("{\"customerId\": 1, \"inventoryId\": " + inventoryId + "}").post("/api/rentals");
    }

    /** Copies of store 1 that nobody has out, read on the leader. */
    static List<Integer> freeCopies(PatroniCluster cluster, int count) throws SQLException {
        List<Integer> copies = new ArrayList<>();
        try (Connection c = cluster.superuser(leader(cluster), "pagila"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT inventory_id FROM inventory i WHERE store_id = 1 AND NOT EXISTS "
                     + "(SELECT FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL) ORDER BY random() LIMIT " + count)) {
            while (rs.next()) {
                copies.add(rs.getInt(1));
            }
        }
        return copies;
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String mode() {
        return given().get("/api/cluster").then().extract().path("mode");
    }

    /** Polls every 100 ms; returns how long it took. */
    static Duration await(Duration patience, BooleanSupplier condition, String what) {
        long start = System.nanoTime();
        long deadline = start + patience.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (RuntimeException e) {
                // not yet: a node or the store is between states
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + patience.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
