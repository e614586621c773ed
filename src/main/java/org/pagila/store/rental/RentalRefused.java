package org.pagila.store.rental;

import jakarta.ws.rs.core.Response.Status;
import org.pagila.store.web.UserError;

/** The write contradicts the state of the store: copy out, customer inactive, wrong store (HTTP 409). */
public class RentalRefused extends UserError {
    public RentalRefused(String message) {
        super(Status.CONFLICT, message, COUNTER, null);
    }
}
