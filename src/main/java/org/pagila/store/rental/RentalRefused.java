package org.pagila.store.rental;

/** The write contradicts the state of the store: copy out, customer inactive, wrong store (HTTP 409). */
public class RentalRefused extends RuntimeException {
    public RentalRefused(String message) {
        super(message);
    }

    public RentalRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
