package org.pagila.store.counter;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** What the counter shows; the same records are the JSON of the staff API. */
public final class CounterViews {
    private CounterViews() {
    }

    public record CustomerSummary(int id, String firstName, String lastName, String email, boolean active, int storeId) {
    }

    public record CustomerFile(int id, String firstName, String lastName, String email, boolean active, int storeId,
                               String address, String district, String city, String postalCode, String country,
                               String phone, BigDecimal balance, List<OpenRental> openRentals) {
    }

    public record OpenRental(int rentalId, int inventoryId, int filmId, String title, OffsetDateTime rentalDate,
                             OffsetDateTime dueDate, boolean overdue) {
    }

    public record PastRental(int rentalId, int inventoryId, String title, OffsetDateTime rentalDate,
                             OffsetDateTime returnDate) {
    }

    public record Copy(int inventoryId, boolean inStock, OffsetDateTime dueBack) {
    }

    public record FilmStock(int filmId, String title, BigDecimal rentalRate, int rentalDuration, int storeId, List<Copy> copies) {
        public long inStock() {
            return copies.stream().filter(Copy::inStock).count();
        }
    }

    public record Overdue(int rentalId, int customerId, String customerName, String phone, int inventoryId, String title,
                          OffsetDateTime rentalDate, OffsetDateTime dueDate, int daysOverdue) {
    }

    public record PaymentLine(int paymentId, BigDecimal amount, OffsetDateTime paymentDate, int staffId) {
    }

    public record RentalFile(int rentalId, int customerId, String customerName, int inventoryId, int filmId, String title,
                             OffsetDateTime rentalDate, OffsetDateTime dueDate, OffsetDateTime returnDate,
                             List<PaymentLine> payments) {
        public BigDecimal paid() {
            return payments.stream().map(PaymentLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    /** One page of a longer list; pages count from 1. */
    public record Page<T>(List<T> items, int page, int size, boolean hasNext) {
        public boolean hasPrevious() {
            return page > 1 && !pastTheEnd();
        }

        /** A page number past the last page (typed in, or an old link): say so and link to the first, not to page - 1. */
        public boolean pastTheEnd() {
            return items.isEmpty() && page > 1;
        }

        public int next() {
            return page + 1;
        }

        public int previous() {
            return page - 1;
        }
    }
}
