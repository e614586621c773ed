package org.pagila.store.cluster;

/** A write arrived while no primary can take it. Becomes 503 with Retry-After. */
public class ReadOnlyException extends RuntimeException {
    public static final String MESSAGE = "Rentals are paused while the database fails over; browsing works.";

    public ReadOnlyException(Throwable cause) {
        super(MESSAGE, cause);
    }
}
