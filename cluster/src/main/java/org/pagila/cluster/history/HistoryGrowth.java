package org.pagila.cluster.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/**
 * `grow N`: makes the rental history N times Pagila's own, realistically, for benchmarks of how the store scales
 * with history. Generation g (1..N-1) is a copy of the original rentals (those between the first and last rental
 * date seen at the first grow) moved g whole periods (first rental to last return) back in time, with their payments
 * moved likewise:
 * <ul>
 *   <li>every generated rental is returned (an original still open gets its return at its due date), so no copy
 *       ever has two open rentals; and periods do not overlap, so a copy's rentals never overlap in time;</li>
 *   <li>payments go to their month's partition (created first with ensure_payment_partition, migration V41);</li>
 *   <li>generations already made are kept (table history_growth), so `grow 10` after `grow 5` adds five more.</li>
 * </ul>
 * Runs on the primary as the owner, one transaction per generation, then refreshes the catalog's aggregates.
 */
public final class HistoryGrowth {
    private final Connection owner;
    private final Progress progress;

    public HistoryGrowth(Connection owner, Progress progress) {
        this.owner = owner;
        this.progress = progress;
    }

    /** A connection source that may throw, as JDBC's do. */
    public interface Connect {
        Connection open() throws SQLException;
    }

    /**
     * Runs the work on a connection to the primary; a first connection attempt that times out (a busy machine) is
     * tried again, up to five times, saying so.
     */
    public static void withPrimary(Connect connect, java.util.function.Consumer<Connection> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection owner = connect.open()) {
                work.accept(owner);
                return;
            } catch (SQLException e) {
                if (attempt == 5) {
                    throw new ClusterException("Cannot reach the primary to grow the history: " + e.getMessage(), e);
                }
                System.out.println("primary not reached (" + e.getMessage() + "); trying again");
            }
        }
    }

    /** The history as factor times the original one (factor 1: nothing to do). */
    public void grow(int factor) {
        if (factor < 1 || factor > 1000) {
            throw new ClusterException("grow takes a factor from 1 to 1000 (the history becomes that many times Pagila's), not " + factor);
        }
        try {
            requireSchema();
            Period original = originalPeriod();
            int made = generationsMade();
            progress.step("History x" + factor + ": originals " + original.rentals() + " rentals from " + original.start()
                    + " to " + original.end() + ", each generation " + original.length().toDays() + " days further back; "
                    + made + " earlier generation(s) kept");
            for (int generation = made + 1; generation < factor; generation++) {
                long started = System.nanoTime();
                long[] rows = addGeneration(generation, original);
                progress.detail(String.format("generation %d/%d: %d rentals, %d payments, %d ms", generation, factor - 1,
                        rows[0], rows[1], (System.nanoTime() - started) / 1_000_000));
            }
            try (Statement s = owner.createStatement()) {
                // VACUUM, not only ANALYZE: otherwise autovacuum comes for the inserted rows within a minute, while
                // the store serves, and its work (visibility map, hint bits logged as whole pages: wal_log_hints) is
                // replayed by every standby. The 90 s after `grow 10` on an idle bench cluster: with ANALYZE alone 2,945
                // kB of WAL and 285 full-page images; with this VACUUM 448 kB and 8. (The benchmark's routes measured
                // right after `grow 10` had run 1.16x to 1.32x slower, the film page too, which reads no history.)
                // Done here, that work is part of the growth, as after any bulk load.
                progress.detail("VACUUM (ANALYZE) rental, payment; refreshing the catalog's aggregates");
                s.execute("VACUUM (ANALYZE) rental");
                s.execute("VACUUM (ANALYZE) payment");
                try (ResultSet rs = s.executeQuery("SELECT to_regproc('refresh_catalog_aggregates') IS NOT NULL")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        s.execute("SELECT refresh_catalog_aggregates()");
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM rental), (SELECT count(*) FROM payment),"
                        + " (SELECT count(*) FROM payment_p_default)")) {
                    rs.next();
                    progress.info(String.format("rental: %d rows, payment: %d rows (%d in the default partition)",
                            rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new ClusterException("grow failed: " + e.getMessage(), e);
        }
    }

    /** The original rentals: rented from start to end, all back (or due) by lastBack. */
    private record Period(OffsetDateTime start, OffsetDateTime end, OffsetDateTime lastBack, long rentals) {
        /** Whole days from the first rental to the last return, so no generation's loans overlap another's. */
        Duration length() {
            return Duration.ofDays(Duration.between(start, lastBack).toDays() + 1);
        }
    }

    private void requireSchema() throws SQLException {
        try (Statement s = owner.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regproc('ensure_payment_partition') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new ClusterException("the store's schema migrations (V41) are not applied yet: start the store once, then grow");
            }
            s.execute("""
                    CREATE TABLE IF NOT EXISTS history_growth (
                        generation int PRIMARY KEY, original_start timestamptz NOT NULL, original_end timestamptz NOT NULL,
                        rentals bigint NOT NULL, payments bigint NOT NULL, made_at timestamptz NOT NULL DEFAULT now())""");
        }
    }

    private int generationsMade() throws SQLException {
        try (Statement s = owner.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(generation), 0) FROM history_growth")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** As recorded at the first grow; before it, the rentals there are now. */
    private Period originalPeriod() throws SQLException {
        try (Statement s = owner.createStatement();
             ResultSet rs = s.executeQuery("""
                     WITH recorded AS (SELECT original_start, original_end FROM history_growth ORDER BY generation LIMIT 1),
                     bounds AS (
                         SELECT coalesce((SELECT original_start FROM recorded), min(rental_date)) AS start,
                                coalesce((SELECT original_end FROM recorded), max(rental_date)) AS stop FROM rental)
                     SELECT b.start, b.stop,
                            (SELECT max(coalesce(r.return_date, r.rental_date + f.rental_duration * interval '1 day'))
                             FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id
                             WHERE r.rental_date BETWEEN b.start AND b.stop),
                            (SELECT count(*) FROM rental r WHERE r.rental_date BETWEEN b.start AND b.stop)
                     FROM bounds b""")) {
            rs.next();
            if (rs.getObject(1) == null) {
                throw new ClusterException("there are no rentals to grow from");
            }
            return new Period(rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class),
                    rs.getObject(3, OffsetDateTime.class), rs.getLong(4));
        }
    }

    /** One generation in one transaction: partitions of its months, rentals, their payments, the record of it. */
    private long[] addGeneration(int generation, Period original) throws SQLException {
        Duration shift = original.length().multipliedBy(generation);
        String interval = shift.toDays() + " days";
        boolean autoCommit = owner.getAutoCommit();
        owner.setAutoCommit(false);
        try {
            try (PreparedStatement s = owner.prepareStatement("""
                    SELECT ensure_payment_partition(m) FROM (
                        SELECT DISTINCT date_trunc('month', p.payment_date - ?::interval) AS m
                        FROM payment p JOIN rental r ON r.rental_id = p.rental_id WHERE r.rental_date BETWEEN ? AND ?) months""")) {
                s.setString(1, interval);
                s.setObject(2, original.start());
                s.setObject(3, original.end());
                s.executeQuery().close();
            }
            long rentals;
            long payments;
            try (PreparedStatement s = owner.prepareStatement("""
                    WITH source AS MATERIALIZED (
                        SELECT r.rental_id, nextval(coalesce(pg_get_serial_sequence('rental', 'rental_id'), 'rental_rental_id_seq')) AS new_id,
                               r.rental_date, r.inventory_id, r.customer_id, r.staff_id,
                               coalesce(r.return_date, r.rental_date + f.rental_duration * interval '1 day') AS return_date
                        FROM rental r JOIN inventory i ON i.inventory_id = r.inventory_id JOIN film f ON f.film_id = i.film_id
                        WHERE r.rental_date BETWEEN ? AND ?),
                    rentals AS (
                        INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id)
                        SELECT new_id, rental_date - ?::interval, inventory_id, customer_id, return_date - ?::interval, staff_id
                        FROM source RETURNING 1),
                    payments AS (
                        INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
                        SELECT p.customer_id, p.staff_id, s.new_id, p.amount, p.payment_date - ?::interval
                        FROM payment p JOIN source s ON s.rental_id = p.rental_id RETURNING 1)
                    SELECT (SELECT count(*) FROM rentals), (SELECT count(*) FROM payments)""")) {
                s.setObject(1, original.start());
                s.setObject(2, original.end());
                s.setString(3, interval);
                s.setString(4, interval);
                s.setString(5, interval);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    rentals = rs.getLong(1);
                    payments = rs.getLong(2);
                }
            }
            try (PreparedStatement s = owner.prepareStatement(
                    "INSERT INTO history_growth (generation, original_start, original_end, rentals, payments) VALUES (?, ?, ?, ?, ?)")) {
                s.setInt(1, generation);
                s.setObject(2, original.start());
                s.setObject(3, original.end());
                s.setLong(4, rentals);
                s.setLong(5, payments);
                s.executeUpdate();
            }
            owner.commit();
            return new long[] {rentals, payments};
        } catch (SQLException | RuntimeException e) {
            owner.rollback();
            throw e;
        } finally {
            owner.setAutoCommit(autoCommit);
        }
    }
}
