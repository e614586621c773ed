package org.pagila.store.counter;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.pagila.store.cluster.TestCluster;

/** Rentals and returns through the API, checked in the database on the primary and on the standbys. */
@QuarkusTest
class RentalFlowTest {
    private static final List<String> STANDBYS = List.of("node1", "node2", "node3");

    @Test
    void rentThenReturnIsOnThePrimaryAndThenOnEveryStandby() throws Exception {
        int copy = Staff.freeCopy(1, 1);
        int rentalId = Staff.mike().body("{\"customerId\": 3, \"inventoryId\": " + copy + "}").post("/api/rentals")
                .then().statusCode(201)
                .body("filmTitle", is("ACADEMY DINOSAUR")).body("rentalFee", is(0.99f)).body("returnDate", nullValue())
                .extract().path("rentalId");
        String rented = "SELECT count(*) FROM rental r JOIN payment p USING (rental_id) WHERE r.rental_id = " + rentalId
                + " AND r.customer_id = 3 AND r.staff_id = 1 AND r.inventory_id = " + copy + " AND r.return_date IS NULL"
                + " AND p.amount = 0.99 AND r.rental_date::date = current_date";
        try (Connection primary = TestCluster.superuser("primary", "pagila")) {
            assertEquals(1, TestCluster.count(primary, rented), "rental and its payment on the primary");
        }
        for (String node : STANDBYS) {
            awaitCount(node, rented, 1);
        }

        Staff.mike().post("/api/rentals/" + rentalId + "/return")
                .then().statusCode(200).body("lateFee", is(0.0f)).body("returnDate", not(nullValue()));
        String returned = "SELECT count(*) FROM rental WHERE rental_id = " + rentalId + " AND return_date IS NOT NULL";
        try (Connection primary = TestCluster.superuser("primary", "pagila")) {
            assertEquals(1, TestCluster.count(primary, returned));
            assertEquals(1, TestCluster.count(primary, "SELECT count(*) FROM payment WHERE rental_id = " + rentalId),
                    "an on-time return pays nothing more");
        }
        for (String node : STANDBYS) {
            awaitCount(node, returned, 1);
        }
        Staff.mike().post("/api/rentals/" + rentalId + "/return").then().statusCode(409)
                .body("message", containsString("already returned"));
    }

    @Test
    void aPaymentDatedTodayLandsInThisMonthsPartition() throws Exception {
        int rentalId = Staff.mike().body("{\"customerId\": 5, \"filmId\": 1}").post("/api/rentals")
                .then().statusCode(201).extract().path("rentalId");
        try (Connection primary = TestCluster.superuser("primary", "pagila"); Statement s = primary.createStatement();
             ResultSet rs = s.executeQuery("SELECT tableoid::regclass::text, to_char(now() AT TIME ZONE 'UTC', '\"payment_p\"YYYY_MM'), "
                     + "payment_date::date = current_date FROM payment WHERE rental_id = " + rentalId)) {
            rs.next();
            assertEquals(rs.getString(2), rs.getString(1), "month partition created ahead of time");
            assertEquals(true, rs.getBoolean(3));
        }
        Staff.mike().post("/api/rentals/" + rentalId + "/return").then().statusCode(200);
    }

    @Test
    void aPaymentOfAMonthWithoutPartitionGoesToTheDefaultPartition() throws Exception {
        try (Connection primary = TestCluster.superuser("primary", "pagila"); Statement s = primary.createStatement()) {
            primary.setAutoCommit(false);
            s.execute("INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) "
                    + "VALUES (1, 1, 1, 1.00, now() + interval '3 years')");
            assertEquals(1, TestCluster.count(primary, "SELECT count(*) FROM payment_p_default WHERE payment_date > now() + interval '2 years'"));
            primary.rollback();
        }
    }

    @Test
    void fiftyConcurrentRentalsOfOneCopyGiveExactlyOneRental() throws Exception {
        int copy = Staff.freeCopy(1, 4);
        int clients = 50;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Integer>> statuses = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                int customer = 100 + i;
                statuses.add(pool.submit(() -> {
                    start.await();
                    return Staff.mike().body("{\"customerId\": " + customer + ", \"inventoryId\": " + copy + "}")
                            .post("/api/rentals").statusCode();
                }));
            }
            start.countDown();
            int created = 0;
            int conflicts = 0;
            for (Future<Integer> status : statuses) {
                int code = status.get();
                if (code == 201) {
                    created++;
                } else if (code == 409) {
                    conflicts++;
                }
            }
            assertEquals(1, created, "exactly one rental");
            assertEquals(clients - 1, conflicts, "every other attempt is a 409 (never a 500)");
        } finally {
            pool.shutdownNow();
        }
        try (Connection primary = TestCluster.superuser("primary", "pagila")) {
            assertEquals(1, TestCluster.count(primary, "SELECT count(*) FROM rental WHERE inventory_id = " + copy + " AND return_date IS NULL"));
            assertEquals(1, TestCluster.count(primary, "SELECT count(*) FROM payment p JOIN rental r USING (rental_id) "
                    + "WHERE r.inventory_id = " + copy + " AND r.return_date IS NULL"), "one payment, for the one rental");
        }
        Staff.mike().body("{\"inventoryId\": " + copy + "}").post("/api/rentals/returns").then().statusCode(200);
    }

    @Test
    void refusalsAre409And404WithAMessage() throws Exception {
        int copy = Staff.freeCopy(1, 10);
        int rentalId = Staff.mike().body("{\"customerId\": 7, \"inventoryId\": " + copy + "}").post("/api/rentals")
                .then().statusCode(201).extract().path("rentalId");
        Staff.mike().body("{\"customerId\": 8, \"inventoryId\": " + copy + "}").post("/api/rentals")
                .then().statusCode(409).body("status", is(409)).body("message", containsString("not in stock"));
        Staff.mike().body("{\"customerId\": 16, \"inventoryId\": " + Staff.freeCopy(1, 1) + "}").post("/api/rentals")
                .then().statusCode(409).body("message", containsString("inactive"));
        Staff.mike().body("{\"customerId\": 8, \"filmId\": 2}").post("/api/rentals")
                .then().statusCode(409).body("message", containsString("not stocked at store 1"));
        Staff.mike().body("{\"customerId\": 8, \"inventoryId\": 10}").post("/api/rentals")
                .then().statusCode(409).body("message", containsString("belongs to store 2"));
        Staff.mike().body("{\"customerId\": 99999, \"inventoryId\": 1}").post("/api/rentals").then().statusCode(404);
        Staff.mike().body("{\"customerId\": 8, \"inventoryId\": 999999}").post("/api/rentals").then().statusCode(404);
        Staff.mike().body("{\"customerId\": 8, \"filmId\": 99999}").post("/api/rentals").then().statusCode(404);
        Staff.mike().post("/api/rentals/99999999/return").then().statusCode(404);
        Staff.mike().get("/api/customers/99999").then().statusCode(404).body("message", containsString("no customer"));
        Staff.mike().get("/api/customers/abc").then().statusCode(404);
        Staff.mike().body("{\"customerId\": 8}").post("/api/rentals").then().statusCode(400);
        Staff.mike().body("{\"customerId\": ").post("/api/rentals").then().statusCode(400);
        Staff.mike().get("/api/rentals/overdue?page=zero").then().statusCode(400).body("message", containsString("page"));
        Staff.mike().body("{\"inventoryId\": " + Staff.freeCopy(1, 1) + "}").post("/api/rentals/returns")
                .then().statusCode(409).body("message", containsString("not out on rental"));
        Staff.mike().post("/api/rentals/" + rentalId + "/return").then().statusCode(200);
    }

    @Test
    void aLateReturnPaysOneDollarPerStartedDayAndTheReplacementCostPastTwiceTheDuration() throws Exception {
        // ACADEMY DINOSAUR: rental_duration 6 days, replacement_cost 20.99.
        int a = Staff.freeCopy(1, 1);
        int lateRental = Staff.sqlInt("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) "
                + "VALUES (now() - interval '9 days 2 hours', " + a + ", 9, 1) RETURNING rental_id");
        // due 6 days after: 3 days 2 hours late = 4 started days
        Staff.mike().post("/api/rentals/" + lateRental + "/return").then().statusCode(200).body("lateFee", is(4.00f));
        int b = Staff.freeCopy(1, 1);
        int lostRental = Staff.sqlInt("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) "
                + "VALUES (now() - interval '19 days 23 hours', " + b + ", 9, 1) RETURNING rental_id");
        // 13 days 23 hours late = 14 started days, more than 2 x 6: 14 x $1 + 20.99
        Response back = Staff.mike().body("{\"inventoryId\": " + b + "}").post("/api/rentals/returns");
        back.then().statusCode(200).body("lateFee", is(34.99f)).body("rentalId", is(lostRental));
        try (Connection primary = TestCluster.superuser("primary", "pagila")) {
            assertEquals(1, TestCluster.count(primary, "SELECT count(*) FROM payment WHERE rental_id = " + lateRental + " AND amount = 4.00"));
            assertEquals(1, TestCluster.count(primary, "SELECT count(*) FROM payment WHERE rental_id = " + lostRental + " AND amount = 34.99"));
        }
    }

    @Test
    void theBalanceMatchesHandComputedCases() throws Exception {
        int customer = Staff.newCustomer("BALANCE");
        String base = "timestamptz '" + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "'";
        Staff.mike().get("/api/customers/" + customer).then().statusCode(200).body("balance", is(0.0f));
        int gold9 = 9; // ACE GOLDFINGER copies at store 2: 4.99, 3 days, replacement 12.99
        int gold10 = 10;
        int holes = Staff.sqlInt("SELECT min(inventory_id) FROM inventory WHERE film_id = 3"); // ADAPTATION HOLES: 2.99, 7 days, 18.99
        int dino = Staff.freeCopy(1, 1); // ACADEMY DINOSAUR: 0.99, 6 days, 20.99
        Staff.sql("INSERT INTO rental (rental_date, return_date, inventory_id, customer_id, staff_id) VALUES "
                // on time: 4.99
                + "(" + base + " - interval '10 days', " + base + " - interval '8 days', " + gold9 + ", " + customer + ", 2), "
                // 1 day 1 hour late: 4.99 + 2 started days
                + "(" + base + " - interval '10 days', " + base + " - interval '10 days' + interval '4 days 1 hour', " + gold10 + ", " + customer + ", 2), "
                // 15 days late, more than 2 x 7: 2.99 + 15 + 18.99
                + "(" + base + " - interval '30 days', " + base + " - interval '8 days', " + holes + ", " + customer + ", 2), "
                // still out, 2 days 1 hour past due: 0.99 + 3 started days so far
                + "(" + base + " - interval '8 days 1 hour', NULL, " + dino + ", " + customer + ", 1)");
        Staff.sql("INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) "
                + "SELECT customer_id, staff_id, rental_id, amount, rental_date FROM rental, "
                + "(VALUES (4.99), (4.99), (10.00)) AS paid(amount) WHERE customer_id = " + customer + " AND inventory_id = " + gold9);
        // fees 4.99 + 6.99 + 36.98 + 3.99 = 52.95, payments 19.98
        Staff.mike().get("/api/customers/" + customer).then().statusCode(200)
                .body("balance", is(32.97f))
                .body("openRentals.inventoryId", hasItem(dino))
                .body("openRentals[0].overdue", is(true));
        try (Connection primary = TestCluster.superuser("primary", "pagila")) {
            // as of a date before any of it: nothing owed
            assertEquals(0, BigDecimal.ZERO.compareTo(balance(primary, customer, base + " - interval '40 days'")));
            // as of 9 days before: the 30-day rental is 21 days out on 7, 14 late (not more than 2 x 7): 2.99 + 14;
            // the two 10-day rentals are 1 day out: 2 x 4.99; the payments made 10 days before: 19.98. 26.97 - 19.98
            assertEquals(0, new BigDecimal("6.99").compareTo(balance(primary, customer, base + " - interval '9 days'")));
        }
        Staff.mike().post("/api/rentals/returns").then().statusCode(400);
        Staff.mike().body("{\"inventoryId\": " + dino + "}").post("/api/rentals/returns").then().statusCode(200).body("lateFee", is(3.00f));
        // returned and its 3.00 paid at the counter
        Staff.mike().get("/api/customers/" + customer).then().statusCode(200).body("balance", is(29.97f)).body("openRentals.size()", is(0));
    }

    @Test
    void historyAndOverdueArePaged() {
        Staff.mike().get("/api/customers/1/rentals?page=1").then().statusCode(200)
                .body("items.size()", is(10)).body("hasNext", is(true)).body("page", is(1));
        Staff.mike().get("/api/customers/1/rentals?page=99").then().statusCode(200).body("items.size()", is(0)).body("hasNext", is(false));
        List<String> due = Staff.mike().get("/api/rentals/overdue").then().statusCode(200)
                .body("items.size()", is(20)).extract().path("items.dueDate");
        List<String> sorted = new ArrayList<>(due);
        sorted.sort(null);
        assertEquals(sorted, due, "oldest first");
        Staff.mike().get("/api/rentals/copies?filmId=1").then().statusCode(200)
                .body("storeId", is(1)).body("copies.size()", is(4));
        Staff.mike().get("/api/customers?q=mary.smith@").then().statusCode(200).body("[0].id", is(1));
        Staff.mike().get("/api/customers?q=SMITH").then().statusCode(200).body("lastName", hasItem("SMITH"));
    }

    @Test
    void readYourWritesSendsTheNextReadToThePrimaryWhileTheStandbysLag() throws Exception {
        int copy = Staff.freeCopy(1, 11);
        for (String node : STANDBYS) {
            replay(node, "pause");
        }
        int rentalId;
        try {
            rentalId = Staff.mike().body("{\"customerId\": 11, \"inventoryId\": " + copy + "}").post("/api/rentals")
                    .then().statusCode(201).extract().path("rentalId");
            Staff.mike().get("/api/customers/11").then().statusCode(200)
                    .header("X-Served-By", containsString("primary"))
                    .body("openRentals.rentalId", hasItem(rentalId));
        } finally {
            for (String node : STANDBYS) {
                replay(node, "resume");
            }
        }
        int rental = rentalId;
        String servedBy = org.awaitility.Awaitility.await("once caught up, a standby serves it").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Staff.mike().get("/api/customers/11").then().statusCode(200)
                        .body("openRentals.rentalId", hasItem(rental)).extract().header("X-Served-By"), v -> v.matches("node[123]"));
        org.hamcrest.MatcherAssert.assertThat(servedBy, matchesPattern("node[123]"));
        Staff.mike().post("/api/rentals/" + rentalId + "/return").then().statusCode(200);
    }

    private static BigDecimal balance(Connection c, int customer, String asOf) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT customer_balance(" + customer + ", " + asOf + ")")) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }

    private static void replay(String node, String action) throws Exception {
        try (Connection c = TestCluster.superuser(node, "pagila"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_wal_replay_" + action + "()");
        }
    }

    private static void awaitCount(String node, String sql, long expected) throws Exception {
        try (Connection c = TestCluster.superuser(node, "pagila")) {
            org.awaitility.Awaitility.await(node + " shows: " + sql).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> TestCluster.count(c, sql) == expected);
        }
    }
}
