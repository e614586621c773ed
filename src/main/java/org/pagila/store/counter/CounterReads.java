package org.pagila.store.counter;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.store.counter.CounterViews.Copy;
import org.pagila.store.counter.CounterViews.CustomerFile;
import org.pagila.store.counter.CounterViews.CustomerSummary;
import org.pagila.store.counter.CounterViews.FilmStock;
import org.pagila.store.counter.CounterViews.OpenRental;
import org.pagila.store.counter.CounterViews.Overdue;
import org.pagila.store.counter.CounterViews.Page;
import org.pagila.store.counter.CounterViews.PastRental;
import org.pagila.store.counter.CounterViews.PaymentLine;
import org.pagila.store.counter.CounterViews.RentalFile;

/**
 * The counter's queries, read by column name. They run on whatever connection they are given: ReadYourWrites decides whether that is a
 * standby that has caught up with the staff member's last write, or the primary.
 */
@ApplicationScoped
public class CounterReads {
    static final int HISTORY_PAGE = 10;
    static final int OVERDUE_PAGE = 20;
    private static final int SEARCH_LIMIT = 50;

    private static final String ACTIVE = "(c.activebool AND c.active = 1)";
    private static final String DUE = "(r.rental_date + f.rental_duration * interval '1 day')";

    /** By id (a number), by email (contains @) or by a part of the name. */
    public List<CustomerSummary> findCustomers(Connection c, String query) throws SQLException {
        String q = query.trim();
        String where;
        Object param;
        if (q.matches("\\d{1,9}")) {
            where = "c.customer_id = ?";
            param = Integer.parseInt(q);
        } else if (q.contains("@")) {
            where = "c.email ILIKE ?";
            param = "%" + likeEscape(q) + "%";
        } else {
            where = "(c.first_name || ' ' || c.last_name) ILIKE ?";
            param = "%" + likeEscape(q) + "%";
        }
        List<CustomerSummary> found = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT c.customer_id, c.first_name, c.last_name, c.email, " + ACTIVE
                + " AS active, c.store_id FROM customer c WHERE " + where + " ORDER BY c.last_name, c.first_name LIMIT " + SEARCH_LIMIT)) {
            s.setObject(1, param);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new CustomerSummary(rs.getInt("customer_id"), rs.getString("first_name"), rs.getString("last_name"),
                            rs.getString("email"), rs.getBoolean("active"), rs.getInt("store_id")));
                }
            }
        }
        return found;
    }

    public Optional<CustomerFile> customer(Connection c, int customerId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT c.customer_id, c.first_name, c.last_name, c.email, %s AS active, c.store_id,
                       a.address, a.district, ci.city, a.postal_code, co.country, a.phone, customer_balance(c.customer_id) AS balance
                FROM customer c JOIN address a USING (address_id) JOIN city ci USING (city_id) JOIN country co USING (country_id)
                WHERE c.customer_id = ?""".formatted(ACTIVE))) {
            s.setInt(1, customerId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CustomerFile(rs.getInt("customer_id"), rs.getString("first_name"), rs.getString("last_name"),
                        rs.getString("email"), rs.getBoolean("active"), rs.getInt("store_id"), rs.getString("address"),
                        rs.getString("district"), rs.getString("city"), rs.getString("postal_code"), rs.getString("country"),
                        rs.getString("phone"), rs.getBigDecimal("balance"), openRentals(c, customerId)));
            }
        }
    }

    private List<OpenRental> openRentals(Connection c, int customerId) throws SQLException {
        List<OpenRental> open = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT r.rental_id, r.inventory_id, f.film_id, f.title, r.rental_date, %1$s AS due, %1$s < now() AS late
                FROM rental r JOIN inventory i USING (inventory_id) JOIN film f USING (film_id)
                WHERE r.customer_id = ? AND r.return_date IS NULL ORDER BY r.rental_date""".formatted(DUE))) {
            s.setInt(1, customerId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(new OpenRental(rs.getInt("rental_id"), rs.getInt("inventory_id"), rs.getInt("film_id"),
                            rs.getString("title"), time(rs, "rental_date"), time(rs, "due"), rs.getBoolean("late")));
                }
            }
        }
        return open;
    }

    /** Every rental of the customer, newest first. */
    public Page<PastRental> history(Connection c, int customerId, int page) throws SQLException {
        List<PastRental> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT r.rental_id, r.inventory_id, f.title, r.rental_date, r.return_date
                FROM rental r JOIN inventory i USING (inventory_id) JOIN film f USING (film_id)
                WHERE r.customer_id = ? ORDER BY r.rental_date DESC, r.rental_id DESC LIMIT ? OFFSET ?""")) {
            s.setInt(1, customerId);
            s.setInt(2, HISTORY_PAGE + 1);
            s.setLong(3, (long) (page - 1) * HISTORY_PAGE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new PastRental(rs.getInt("rental_id"), rs.getInt("inventory_id"), rs.getString("title"),
                            time(rs, "rental_date"), time(rs, "return_date")));
                }
            }
        }
        return page(rows, page, HISTORY_PAGE);
    }

    /** Films whose title contains the text (20 at most), with their copies at one store: one query for all of them. */
    public List<FilmStock> filmsAtStore(Connection c, String title, int storeId) throws SQLException {
        return stock(c, "title ILIKE ? ORDER BY title LIMIT 20", "%" + likeEscape(title.trim()) + "%", storeId);
    }

    public Optional<FilmStock> filmAtStore(Connection c, int filmId, int storeId) throws SQLException {
        return stock(c, "film_id = ?", filmId, storeId).stream().findFirst();
    }

    /** The films the condition selects, each with its copies at the store (in stock, or when due back). */
    private List<FilmStock> stock(Connection c, String filmCondition, Object param, int storeId) throws SQLException {
        Map<Integer, FilmStock> films = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                WITH f AS (SELECT film_id, title, rental_rate, rental_duration FROM film WHERE %s)
                SELECT f.film_id, f.title, f.rental_rate, f.rental_duration, i.inventory_id,
                       r.rental_id IS NULL AS in_stock, %s AS due_back
                FROM f LEFT JOIN inventory i ON i.film_id = f.film_id AND i.store_id = ?
                LEFT JOIN rental r ON r.inventory_id = i.inventory_id AND r.return_date IS NULL
                ORDER BY f.title, f.film_id, i.inventory_id""".formatted(filmCondition, DUE))) {
            s.setObject(1, param);
            s.setInt(2, storeId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    FilmStock film = films.computeIfAbsent(rs.getInt("film_id"), id -> filmStock(rs, id, storeId));
                    int copy = rs.getInt("inventory_id");
                    if (!rs.wasNull()) {
                        film.copies().add(new Copy(copy, rs.getBoolean("in_stock"), time(rs, "due_back")));
                    }
                }
            }
        }
        return List.copyOf(films.values());
    }

    private static FilmStock filmStock(ResultSet rs, int filmId, int storeId) {
        try {
            return new FilmStock(filmId, rs.getString("title"), rs.getBigDecimal("rental_rate"), rs.getInt("rental_duration"),
                    storeId, new ArrayList<>());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Open rentals past their due date, oldest first. */
    public Page<Overdue> overdue(Connection c, int page) throws SQLException {
        List<Overdue> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT r.rental_id, c.customer_id, c.first_name || ' ' || c.last_name AS customer, a.phone, r.inventory_id, f.title,
                       r.rental_date, %1$s AS due, ceil(extract(epoch FROM now() - %1$s) / 86400)::int AS days_late
                FROM rental r JOIN inventory i USING (inventory_id) JOIN film f USING (film_id)
                JOIN customer c ON c.customer_id = r.customer_id JOIN address a ON a.address_id = c.address_id
                WHERE r.return_date IS NULL AND %1$s < now()
                ORDER BY %1$s, r.rental_id LIMIT ? OFFSET ?""".formatted(DUE))) {
            s.setInt(1, OVERDUE_PAGE + 1);
            s.setLong(2, (long) (page - 1) * OVERDUE_PAGE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Overdue(rs.getInt("rental_id"), rs.getInt("customer_id"), rs.getString("customer"),
                            rs.getString("phone"), rs.getInt("inventory_id"), rs.getString("title"), time(rs, "rental_date"),
                            time(rs, "due"), rs.getInt("days_late")));
                }
            }
        }
        return page(rows, page, OVERDUE_PAGE);
    }

    public Optional<RentalFile> rental(Connection c, int rentalId) throws SQLException {
        List<PaymentLine> payments = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT payment_id, amount, payment_date, staff_id FROM payment WHERE rental_id = ? ORDER BY payment_date, payment_id")) {
            s.setInt(1, rentalId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    payments.add(new PaymentLine(rs.getInt("payment_id"), rs.getBigDecimal("amount"), time(rs, "payment_date"),
                            rs.getInt("staff_id")));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT r.rental_id, c.customer_id, c.first_name || ' ' || c.last_name AS customer, r.inventory_id, f.film_id,
                       f.title, r.rental_date, %s AS due, r.return_date
                FROM rental r JOIN inventory i USING (inventory_id) JOIN film f USING (film_id)
                JOIN customer c ON c.customer_id = r.customer_id WHERE r.rental_id = ?""".formatted(DUE))) {
            s.setInt(1, rentalId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new RentalFile(rs.getInt("rental_id"), rs.getInt("customer_id"), rs.getString("customer"),
                        rs.getInt("inventory_id"), rs.getInt("film_id"), rs.getString("title"), time(rs, "rental_date"),
                        time(rs, "due"), time(rs, "return_date"), payments));
            }
        }
    }

    private static <T> Page<T> page(List<T> rows, int page, int size) {
        boolean hasNext = rows.size() > size;
        return new Page<>(hasNext ? rows.subList(0, size) : rows, page, size, hasNext);
    }

    private static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
