package org.pagila.cluster;

/**
 * A failure an operator can act on: its message says what went wrong and what to do. Known secrets are masked
 * in the message, because messages end up in terminals, CI logs and the store's log.
 */
public class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(Redaction.apply(message));
    }

    public ClusterException(String message, Throwable cause) {
        super(Redaction.apply(message), cause);
    }
}
