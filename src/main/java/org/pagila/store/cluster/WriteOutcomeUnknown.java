package org.pagila.store.cluster;

import jakarta.ws.rs.core.Response.Status;
import org.pagila.store.web.UserError;

/**
 * A write ran past the guard's timeout: its transaction may still commit (a ghost) or may roll back, and the store
 * cannot tell yet. The answer says so plainly; a retry with the same idempotency key resolves it, returning the
 * rental if it committed and doing the write once if it did not (503 + Retry-After).
 */
public class WriteOutcomeUnknown extends UserError {
    public static final String MESSAGE = "The database did not confirm this change in time, so it may or may not have"
            + " been saved. Send it again with the same Idempotency-Key (at the counter: go back and press the button"
            + " again): it is never done twice, and the answer will say what happened.";

    public WriteOutcomeUnknown() {
        super(Status.SERVICE_UNAVAILABLE, MESSAGE, COUNTER);
    }
}
