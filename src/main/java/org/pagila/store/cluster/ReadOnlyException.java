package org.pagila.store.cluster;

/** A write arrived while no primary can take it. Becomes 503 with Retry-After (see ErrorPages). */
public class ReadOnlyException extends RuntimeException {
    public static final String MESSAGE = "Rentals are paused while the database fails over; browsing works.";
    public static final int RETRY_AFTER_SECONDS = 5;

    public ReadOnlyException() {
        super(MESSAGE, null, false, false);
    }
}
