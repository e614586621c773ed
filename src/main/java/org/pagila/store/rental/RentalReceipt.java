package org.pagila.store.rental;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** What the counter hands the customer after a rental or a return. returnDate and lateFee are null until returned. */
public record RentalReceipt(int rentalId, int customerId, int inventoryId, int filmId, String filmTitle,
                            OffsetDateTime rentalDate, OffsetDateTime dueDate, OffsetDateTime returnDate,
                            BigDecimal rentalFee, BigDecimal lateFee, int staffId) {
}
