package org.pagila.store.rental;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Every write of the counter, one transaction each, on the primary (default persistence unit). Refusals are
 * {@link RecordNotFound} (404) and {@link RentalRefused} (409); any other failure, such as no reachable primary,
 * propagates unchanged for the caller to map.
 */
@ApplicationScoped
public class RentalService {
    /** The partial unique index of V21: one open rental per copy. */
    static final String ONE_OPEN_RENTAL_PER_COPY = "rental_one_open_per_inventory";

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
            Copy copy = copy(inventoryId);
            int rentalId = openRentalOf(inventoryId)
                    .orElseThrow(() -> new RentalRefused("Copy " + inventoryId + " of " + copy.title + " is not out on rental."));
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

    private RentalReceipt rentCopy(StaffMember staff, int customerId, int inventoryId) {
        requireActiveCustomer(customerId);
        Copy copy = copy(inventoryId);
        if (copy.storeId != staff.storeId()) {
            throw new RentalRefused("Copy " + inventoryId + " of " + copy.title + " belongs to store " + copy.storeId
                    + ", not to store " + staff.storeId() + " where " + staff.username() + " works.");
        }
        openRentalOf(inventoryId).ifPresent(rentalId -> {
            throw new RentalRefused("Copy " + inventoryId + " of " + copy.title + " is not in stock: it is out on rental " + rentalId + ".");
        });
        OffsetDateTime now = transactionTime();
        Rental rental = new Rental();
        rental.rentalDate = now;
        rental.inventoryId = inventoryId;
        rental.customerId = customerId;
        rental.staffId = staff.staffId();
        try {
            em.persist(rental);
            em.flush();
        } catch (ConstraintViolationException e) {
            if (ONE_OPEN_RENTAL_PER_COPY.equals(e.getConstraintName())
                    || String.valueOf(e.getSQLException().getMessage()).contains(ONE_OPEN_RENTAL_PER_COPY)) {
                throw new RentalRefused("Copy " + inventoryId + " of " + copy.title + " was just rented by someone else.", e);
            }
            throw e;
        }
        em.persist(Payment.of(rental, staff, copy.rentalRate, now));
        em.flush();
        return receipt(rental, copy, null);
    }

    /**
     * The first free copy that no concurrent rental is taking: locked with SKIP LOCKED, so two staff renting the
     * same film at once get different copies instead of one of them a conflict.
     */
    private RentalReceipt rentAnyCopy(StaffMember staff, int customerId, int filmId) {
        requireActiveCustomer(customerId);
        List<?> film = em.createNativeQuery("SELECT title FROM film WHERE film_id = ?1").setParameter(1, filmId).getResultList();
        if (film.isEmpty()) {
            throw new RecordNotFound("There is no film " + filmId + ".");
        }
        List<?> free = em.createNativeQuery("""
                SELECT i.inventory_id FROM inventory i
                WHERE i.film_id = ?1 AND i.store_id = ?2
                  AND NOT EXISTS (SELECT FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL)
                ORDER BY i.inventory_id
                LIMIT 1 FOR UPDATE OF i SKIP LOCKED
                """).setParameter(1, filmId).setParameter(2, staff.storeId()).getResultList();
        if (free.isEmpty()) {
            long stocked = ((Number) em.createNativeQuery("SELECT count(*) FROM inventory WHERE film_id = ?1 AND store_id = ?2")
                    .setParameter(1, filmId).setParameter(2, staff.storeId()).getSingleResult()).longValue();
            throw new RentalRefused(stocked == 0 ? film.get(0) + " is not stocked at store " + staff.storeId() + "."
                    : "No copy of " + film.get(0) + " is in stock at store " + staff.storeId() + ": all " + stocked
                    + " are out or being rented right now.");
        }
        return rentCopy(staff, customerId, ((Number) free.get(0)).intValue());
    }

    private RentalReceipt closeRental(StaffMember staff, int rentalId) {
        Rental rental = em.find(Rental.class, rentalId, LockModeType.PESSIMISTIC_WRITE);
        if (rental == null) {
            throw new RecordNotFound("There is no rental " + rentalId + ".");
        }
        if (rental.returnDate != null) {
            throw new RentalRefused("Rental " + rentalId + " was already returned on " + rental.returnDate.toLocalDate() + ".");
        }
        Copy copy = copy(rental.inventoryId);
        rental.returnDate = transactionTime();
        em.flush();
        BigDecimal lateFee = (BigDecimal) em.createNativeQuery(
                        "SELECT rental_late_fee(?1, ?2, ?3, ?4, ?2)")
                .setParameter(1, rental.rentalDate).setParameter(2, rental.returnDate)
                .setParameter(3, copy.rentalDuration).setParameter(4, copy.replacementCost)
                .getSingleResult();
        if (lateFee.signum() > 0) {
            em.persist(Payment.of(rental, staff, lateFee, rental.returnDate));
            em.flush();
        }
        return receipt(rental, copy, lateFee);
    }

    private void requireActiveCustomer(int customerId) {
        List<?> active = em.createNativeQuery("SELECT activebool AND active = 1 FROM customer WHERE customer_id = ?1")
                .setParameter(1, customerId).getResultList();
        if (active.isEmpty()) {
            throw new RecordNotFound("There is no customer " + customerId + ".");
        }
        if (!Boolean.TRUE.equals(active.get(0))) {
            throw new RentalRefused("Customer " + customerId + " is inactive and cannot rent.");
        }
    }

    private Optional<Integer> openRentalOf(int inventoryId) {
        List<?> open = em.createNativeQuery("SELECT rental_id FROM rental WHERE inventory_id = ?1 AND return_date IS NULL")
                .setParameter(1, inventoryId).getResultList();
        return open.stream().map(id -> ((Number) id).intValue()).findFirst();
    }

    private record Copy(int inventoryId, int storeId, int filmId, String title, BigDecimal rentalRate, int rentalDuration,
                        BigDecimal replacementCost) {
    }

    private Copy copy(int inventoryId) {
        List<?> rows = em.createNativeQuery("""
                SELECT i.store_id, f.film_id, f.title, f.rental_rate, f.rental_duration, f.replacement_cost
                FROM inventory i JOIN film f USING (film_id) WHERE i.inventory_id = ?1
                """).setParameter(1, inventoryId).getResultList();
        if (rows.isEmpty()) {
            throw new RecordNotFound("There is no copy " + inventoryId + ".");
        }
        Object[] r = (Object[]) rows.get(0);
        return new Copy(inventoryId, ((Number) r[0]).intValue(), ((Number) r[1]).intValue(), (String) r[2],
                (BigDecimal) r[3], ((Number) r[4]).intValue(), (BigDecimal) r[5]);
    }

    /** The database's clock (now(): the transaction's start), so rental dates and fees never depend on the app host's clock. */
    private OffsetDateTime transactionTime() {
        Object now = em.createNativeQuery("SELECT now()").getSingleResult();
        Instant instant = now instanceof OffsetDateTime t ? t.toInstant()
                : now instanceof Instant i ? i : ((java.sql.Timestamp) now).toInstant();
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static RentalReceipt receipt(Rental rental, Copy copy, BigDecimal lateFee) {
        return new RentalReceipt(rental.id, rental.customerId, copy.inventoryId, copy.filmId, copy.title, rental.rentalDate,
                rental.rentalDate.plusDays(copy.rentalDuration), rental.returnDate, copy.rentalRate, lateFee, rental.staffId);
    }
}
