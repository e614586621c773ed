package org.pagila.store.rental;

import jakarta.ws.rs.core.Response.Status;
import org.pagila.store.web.UserError;

/** An id the counter was given does not exist (HTTP 404). */
public class RecordNotFound extends UserError {
    public RecordNotFound(String message) {
        super(Status.NOT_FOUND, message, COUNTER);
    }
}
