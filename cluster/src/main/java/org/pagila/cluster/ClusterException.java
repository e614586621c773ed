package org.pagila.cluster;

/** A failure an operator can act on: its message says what went wrong and what to do. */
public class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
