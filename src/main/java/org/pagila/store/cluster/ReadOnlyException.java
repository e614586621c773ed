package org.pagila.store.cluster;

import jakarta.ws.rs.core.Response.Status;
import org.pagila.store.web.UserError;

/**
 * A write arrived while no primary can take it: 503 (Retry-After, see ErrorPages) pointing back to the catalog,
 * which keeps working. A UserError like every other refusal, so one mapper renders it.
 */
public class ReadOnlyException extends UserError {
    public static final String MESSAGE = "Rentals are paused while the database fails over; browsing works.";

    public ReadOnlyException() {
        super(Status.SERVICE_UNAVAILABLE, MESSAGE, new Link("/films", "Keep browsing the catalog"));
    }
}
