package org.pagila.store.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.pagila.store.cluster.TestCluster.count;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * film_popularity is kept by draining rental_tally (V52), not by recounting the history: after rentals are added,
 * moved to another film's copy and deleted, a refresh leaves the same counts as a full recount would. On the primary,
 * as the owner, in one transaction that is rolled back, so the shared test cluster keeps its data.
 */
@QuarkusTest
class PopularityTallyTest {
    private static final String RECOUNT = """
            SELECT f.film_id, count(r.rental_id) AS rentals FROM film f
            LEFT JOIN inventory i ON i.film_id = f.film_id LEFT JOIN rental r ON r.inventory_id = i.inventory_id
            GROUP BY f.film_id""";
    private static final String FILMS_COUNTED_OTHERWISE = "SELECT count(*) FROM ((" + RECOUNT
            + " EXCEPT SELECT film_id, rentals FROM film_popularity) UNION ALL (SELECT film_id, rentals FROM film_popularity"
            + " EXCEPT " + RECOUNT + ")) differing";

    @Inject
    @DataSource("migrations")
    AgroalDataSource owner;

    @Test
    void rentalsAddedMovedAndDeletedCountAsAFullRecountWould() throws Exception {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                refresh(s);
                assertEquals(0, count(c, FILMS_COUNTED_OTHERWISE), "after a refresh the counts are a full recount's");
                long copy = count(c, "SELECT min(inventory_id) FROM inventory WHERE film_id = 1");
                long otherCopy = count(c, "SELECT min(inventory_id) FROM inventory WHERE film_id = 2");
                long film1 = popularity(c, 1);
                long film2 = popularity(c, 2);

                // three returned rentals in one statement: one tally row each
                List<Long> added = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("INSERT INTO rental (rental_date, inventory_id, customer_id, return_date, staff_id)"
                        + " VALUES (now() - interval '30 days', " + copy + ", 1, now() - interval '29 days', 1),"
                        + " (now() - interval '20 days', " + copy + ", 2, now() - interval '19 days', 1),"
                        + " (now() - interval '10 days', " + copy + ", 3, now() - interval '9 days', 1) RETURNING rental_id")) {
                    while (rs.next()) {
                        added.add(rs.getLong(1));
                    }
                }
                refresh(s);
                assertEquals(film1 + 3, popularity(c, 1), "three rentals added");
                assertEquals(0, count(c, FILMS_COUNTED_OTHERWISE));

                // the owner's correction: one of them was of the other film's copy; a return's update changes nothing
                s.executeUpdate("UPDATE rental SET inventory_id = " + otherCopy + " WHERE rental_id = " + added.get(2));
                s.executeUpdate("UPDATE rental SET return_date = return_date WHERE rental_id = " + added.get(0));
                refresh(s);
                assertEquals(film1 + 2, popularity(c, 1), "one moved away");
                assertEquals(film2 + 1, popularity(c, 2), "and counted for the other film");
                assertEquals(0, count(c, FILMS_COUNTED_OTHERWISE));

                String ids = added.stream().map(String::valueOf).collect(Collectors.joining(","));
                assertEquals(3, s.executeUpdate("DELETE FROM rental WHERE rental_id IN (" + ids + ")"));
                refresh(s);
                assertEquals(film1, popularity(c, 1), "deleted again");
                assertEquals(film2, popularity(c, 2));
                assertEquals(0, count(c, FILMS_COUNTED_OTHERWISE));
                assertEquals(0, count(c, "SELECT count(*) FROM rental_tally"), "each refresh drains the tally");
                assertNotEquals(0, count(c, "SELECT count(*) FROM storefront_shelf WHERE shelf = 0"), "the storefront is refreshed too");
            } finally {
                c.rollback();
            }
        }
    }

    private static void refresh(Statement s) throws SQLException {
        s.execute("SELECT refresh_catalog_aggregates()");
    }

    private static long popularity(Connection c, int film) throws SQLException {
        return count(c, "SELECT rentals FROM film_popularity WHERE film_id = " + film);
    }
}
