package org.pagila.store.rental;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every write of the counter, one transaction each, on the primary (default persistence unit). Refusals are
 * {@link RecordNotFound} (404) and {@link RentalRefused} (409); any other failure, such as no reachable primary,
 * propagates unchanged for the caller to map.
 *
 * Few round trips on purpose: under load each statement is a wake-up of the database and of this thread on a busy
 * machine, and those waits, not the work, dominated a rental (issue 14: 15 round trips per rental gave 30 rentals/s).
 * A rental is now one query for everything it checks (customer, copy or film, the database's clock) and, for a film,
 * the copy's pick (SKIP LOCKED); two inserts and the commit; a return is one UPDATE ... RETURNING and the commit. The
 * checks that guard correctness are the database's: the partial unique index of V21 (one open rental per copy, the
 * arbiter of the rental insert's ON CONFLICT) and the row lock of the UPDATE (a rental is returned once).
 */
@ApplicationScoped
public class RentalService {
    /** How many copies one rental of a film may pick before it gives up: each lost pick means a rival committed. */
    private static final int MAX_PICKS = 4;

    @Inject
    EntityManager em;

    @Inject
    IdempotencyKeys keys;

    /**
     * Rents a copy to a customer and takes the film's rental rate as a payment. With an idempotency key (may be
     * null) a repeated request returns the first one's receipt.
     */
    @Transactional
    public RentalReceipt rent(StaffMember staff, int customerId, int inventoryId, String idempotencyKey) {
        return once(staff, idempotencyKey, "rent:customer=" + customerId + ":copy=" + inventoryId,
                () -> rentCopy(staff, customerId, inventoryId));
    }

    /** Rents any copy of a film that is in stock at the staff member's store. */
    @Transactional
    public RentalReceipt rentFilm(StaffMember staff, int customerId, int filmId, String idempotencyKey) {
        return once(staff, idempotencyKey, "rent:customer=" + customerId + ":film=" + filmId,
                () -> rentAnyCopy(staff, customerId, filmId));
    }

    /** Closes a rental; a late return pays the late fee (V23's rental_late_fee) as a payment. */
    @Transactional
    public RentalReceipt returnRental(StaffMember staff, int rentalId, String idempotencyKey) {
        return once(staff, idempotencyKey, "return:rental=" + rentalId, () -> closeRental(staff, rentalId));
    }

    /** Returns a copy by its inventory id (the number on the DVD case). */
    @Transactional
    public RentalReceipt returnCopy(StaffMember staff, int inventoryId, String idempotencyKey) {
        return once(staff, idempotencyKey, "return:copy=" + inventoryId, () -> {
            Tuple copy = single("""
                    SELECT f.title, (SELECT r.rental_id FROM rental r WHERE r.inventory_id = i.inventory_id
                                     AND r.return_date IS NULL) AS open_rental
                    FROM inventory i JOIN film f USING (film_id) WHERE i.inventory_id = ?1""", inventoryId)
                    .orElseThrow(() -> new RecordNotFound("There is no copy " + inventoryId + "."));
            Integer rentalId = integer(copy, "open_rental");
            if (rentalId == null) {
                throw new RentalRefused("Copy " + inventoryId + " of " + copy.get("title") + " is not out on rental.");
            }
            return closeRental(staff, rentalId);
        });
    }

    /** The write once per key: the key is claimed first in this transaction and stores the receipt before commit. */
    private RentalReceipt once(StaffMember staff, String key, String request, Supplier<RentalReceipt> write) {
        if (key == null) {
            return write.get();
        }
        IdempotencyKeys.Key claimed = new IdempotencyKeys.Key(key, request);
        Optional<RentalReceipt> earlier = keys.claim(staff.staffId(), claimed);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        RentalReceipt receipt = write.get();
        keys.complete(staff.staffId(), claimed, receipt);
        return receipt;
    }

    /** A given copy: the customer, the copy, its open rental and the clock in one query; then the inserts. */
    private RentalReceipt rentCopy(StaffMember staff, int customerId, int inventoryId) {
        Tuple facts = single("""
                SELECT c.customer_id AS customer, c.activebool AND c.active = 1 AS active, i.inventory_id AS copy,
                       i.store_id, f.film_id, f.title, f.rental_rate, f.rental_duration, f.replacement_cost,
                       (SELECT r.rental_id FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL)
                           AS open_rental,
                       now() AS now
                FROM (SELECT 1) one
                LEFT JOIN customer c ON c.customer_id = ?1
                LEFT JOIN inventory i ON i.inventory_id = ?2
                LEFT JOIN film f ON f.film_id = i.film_id""", customerId, inventoryId).orElseThrow();
        requireActiveCustomer(facts, customerId);
        if (facts.get("copy") == null) {
            throw new RecordNotFound("There is no copy " + inventoryId + ".");
        }
        Copy copy = Copy.of(inventoryId, facts);
        if (copy.storeId != staff.storeId()) {
            throw new RentalRefused("Copy " + inventoryId + " of " + copy.title + " belongs to store " + copy.storeId
                    + ", not to store " + staff.storeId() + " where " + staff.username() + " works.");
        }
        Integer open = integer(facts, "open_rental");
        if (open != null) {
            throw new RentalRefused("Copy " + inventoryId + " of " + copy.title + " is not in stock: it is out on rental " + open + ".");
        }
        return insertRental(staff, customerId, copy, timestamp(facts.get("now")))
                .orElseThrow(() -> new RentalRefused("Copy " + inventoryId + " of " + copy.title + " was just rented by someone else."));
    }

    /**
     * Any copy of a film, picked again when a rival rented the picked copy under the pick (see {@link #tryAnyCopy}).
     * Each lost pick means a rival committed a rental of a copy of this film in that instant, so a few picks are
     * enough at any counter's pace; the bound keeps a request from spinning when something else is wrong.
     */
    private RentalReceipt rentAnyCopy(StaffMember staff, int customerId, int filmId) {
        for (int pick = 1; pick <= MAX_PICKS; pick++) {
            Optional<RentalReceipt> rented = tryAnyCopy(staff, customerId, filmId);
            if (rented.isPresent()) {
                return rented.get();
            }
        }
        throw new RentalRefused("Each copy picked for this rental was taken by another rental at the same moment; "
                + "please try again.");
    }

    /**
     * One pick and its insert. The pick is the first free copy that no concurrent rental is taking, locked with SKIP
     * LOCKED (a rival's uncommitted rental holds the copy's row: FOR UPDATE here, or its foreign key's KEY SHARE), so
     * two staff renting the same film at once get different copies; it is a lateral subquery of the one query that
     * also checks the customer and the film and takes the clock. Empty when the picked copy was rented by a rival
     * that committed after this statement's snapshot: the pick's NOT EXISTS could not see that rental, and its locks
     * were already gone. The next pick is a new statement with a new snapshot (READ COMMITTED), so it sees it.
     */
    private Optional<RentalReceipt> tryAnyCopy(StaffMember staff, int customerId, int filmId) {
        Tuple facts = single("""
                SELECT c.customer_id AS customer, c.activebool AND c.active = 1 AS active, f.film_id, f.title,
                       f.rental_rate, f.rental_duration, free.inventory_id AS copy, now() AS now
                FROM (SELECT 1) one
                LEFT JOIN customer c ON c.customer_id = ?1
                LEFT JOIN film f ON f.film_id = ?2
                LEFT JOIN LATERAL (
                    SELECT i.inventory_id FROM inventory i
                    WHERE i.film_id = f.film_id AND i.store_id = ?3
                      AND NOT EXISTS (SELECT FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL)
                    ORDER BY i.inventory_id
                    LIMIT 1 FOR UPDATE OF i SKIP LOCKED) free ON true""", customerId, filmId, staff.storeId()).orElseThrow();
        requireActiveCustomer(facts, customerId);
        if (facts.get("film_id") == null) {
            throw new RecordNotFound("There is no film " + filmId + ".");
        }
        if (facts.get("copy") == null) {
            long stocked = ((Number) em.createNativeQuery("SELECT count(*) FROM inventory WHERE film_id = ?1 AND store_id = ?2")
                    .setParameter(1, filmId).setParameter(2, staff.storeId()).getSingleResult()).longValue();
            throw new RentalRefused(stocked == 0 ? facts.get("title") + " is not stocked at store " + staff.storeId() + "."
                    : "No copy of " + facts.get("title") + " is in stock at store " + staff.storeId() + ": all " + stocked
                    + " are out or being rented right now.");
        }
        Copy copy = Copy.of(integer(facts, "copy"), staff.storeId(), facts);
        return insertRental(staff, customerId, copy, timestamp(facts.get("now")));
    }

    /**
     * The rental and its payment (two inserts, each returning its generated id); empty, with nothing written, when
     * the copy already has an open rental. ON CONFLICT on V21's partial unique index does nothing then, where a plain
     * insert would abort this transaction with a unique violation and leave no way to try another copy. (A rental of
     * a given copy number may find a rival's rental of it uncommitted; the insert waits for that one to end first.)
     */
    private Optional<RentalReceipt> insertRental(StaffMember staff, int customerId, Copy copy, OffsetDateTime now) {
        // now() is the transaction's start, the same instant as the facts' "now" that the receipt and payment carry.
        Optional<Tuple> inserted = single("""
                INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES (now(), ?1, ?2, ?3)
                ON CONFLICT (inventory_id) WHERE return_date IS NULL DO NOTHING
                RETURNING rental_id""", copy.inventoryId, customerId, staff.staffId());
        if (inserted.isEmpty()) {
            return Optional.empty();
        }
        int rentalId = integer(inserted.get(), "rental_id");
        em.persist(Payment.of(customerId, staff, rentalId, copy.rentalRate, now));
        em.flush();
        return Optional.of(new RentalReceipt(rentalId, customerId, copy.inventoryId, copy.filmId, copy.title, now,
                now.plusDays(copy.rentalDuration), null, copy.rentalRate, null, staff.staffId()));
    }

    /**
     * One statement sets the return date (the database's clock), reads the film's terms and computes the late fee;
     * the row lock it takes makes a second, concurrent return of the same rental find it returned.
     */
    private RentalReceipt closeRental(StaffMember staff, int rentalId) {
        Tuple closed = single("""
                UPDATE rental r SET return_date = now()
                FROM inventory i JOIN film f USING (film_id)
                WHERE r.rental_id = ?1 AND r.return_date IS NULL AND i.inventory_id = r.inventory_id
                RETURNING r.customer_id, r.inventory_id, r.staff_id, r.rental_date, r.return_date, f.film_id, f.title,
                          f.rental_rate, f.rental_duration,
                          rental_late_fee(r.rental_date, r.return_date, f.rental_duration, f.replacement_cost, r.return_date)
                              AS late_fee""", rentalId).orElseThrow(() -> notReturnable(rentalId));
        OffsetDateTime rented = timestamp(closed.get("rental_date"));
        OffsetDateTime returned = timestamp(closed.get("return_date"));
        int customerId = integer(closed, "customer_id");
        BigDecimal lateFee = (BigDecimal) closed.get("late_fee");
        if (lateFee.signum() > 0) {
            em.persist(Payment.of(customerId, staff, rentalId, lateFee, returned));
            em.flush();
        }
        return new RentalReceipt(rentalId, customerId, integer(closed, "inventory_id"), integer(closed, "film_id"),
                (String) closed.get("title"), rented, rented.plusDays(integer(closed, "rental_duration")), returned,
                (BigDecimal) closed.get("rental_rate"), lateFee, integer(closed, "staff_id"));
    }

    /** Why the UPDATE changed nothing: no such rental, or it was returned already. */
    private RuntimeException notReturnable(int rentalId) {
        return single("SELECT return_date FROM rental WHERE rental_id = ?1", rentalId)
                .<RuntimeException>map(r -> new RentalRefused("Rental " + rentalId + " was already returned on "
                        + timestamp(r.get("return_date")).toLocalDate() + "."))
                .orElseGet(() -> new RecordNotFound("There is no rental " + rentalId + "."));
    }

    private static void requireActiveCustomer(Tuple facts, int customerId) {
        if (facts.get("customer") == null) {
            throw new RecordNotFound("There is no customer " + customerId + ".");
        }
        if (!Boolean.TRUE.equals(facts.get("active"))) {
            throw new RentalRefused("Customer " + customerId + " is inactive and cannot rent.");
        }
    }

    /** The first row of a native statement (a query, or a write with RETURNING), its columns by name. */
    private Optional<Tuple> single(String sql, Object... parameters) {
        var query = em.createNativeQuery(sql, Tuple.class);
        for (int i = 0; i < parameters.length; i++) {
            query.setParameter(i + 1, parameters[i]);
        }
        return query.getResultList().stream().map(Tuple.class::cast).findFirst();
    }

    private record Copy(int inventoryId, int storeId, int filmId, String title, BigDecimal rentalRate, int rentalDuration) {
        static Copy of(int inventoryId, Tuple facts) {
            return of(inventoryId, integer(facts, "store_id"), facts);
        }

        static Copy of(int inventoryId, int storeId, Tuple facts) {
            return new Copy(inventoryId, storeId, integer(facts, "film_id"), (String) facts.get("title"),
                    (BigDecimal) facts.get("rental_rate"), integer(facts, "rental_duration"));
        }
    }

    private static Integer integer(Tuple row, String column) {
        Object value = row.get(column);
        return value == null ? null : ((Number) value).intValue();
    }

    /** A timestamptz as the driver hands it over, in UTC; always the database's clock, never the app host's. */
    private static OffsetDateTime timestamp(Object value) {
        Instant instant = value instanceof OffsetDateTime t ? t.toInstant()
                : value instanceof Instant i ? i : ((java.sql.Timestamp) value).toInstant();
        return instant.atOffset(ZoneOffset.UTC);
    }
}
