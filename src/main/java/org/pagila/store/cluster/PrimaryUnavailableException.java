package org.pagila.store.cluster;

/** The primary could not be reached, or the node we reached is no longer a primary. */
public class PrimaryUnavailableException extends RuntimeException {
    public PrimaryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
