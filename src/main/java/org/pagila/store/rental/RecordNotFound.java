package org.pagila.store.rental;

/** An id the counter was given does not exist (HTTP 404). */
public class RecordNotFound extends RuntimeException {
    public RecordNotFound(String message) {
        super(message);
    }
}
