package org.pagila.store.counter;

import jakarta.ws.rs.core.Response.Status;
import org.pagila.store.web.Params;
import org.pagila.store.web.UserError;

/** A form field or JSON property that is missing or not what the counter expects (HTTP 400). */
public class BadCounterInput extends UserError {
    public BadCounterInput(String message) {
        super(Status.BAD_REQUEST, message, COUNTER);
    }

    /** A required positive whole number, such as a copy number. */
    static int positive(String field, String value) {
        try {
            return Params.wholeNumber(field, value, 1, Integer.MAX_VALUE, "a whole number")
                    .orElseThrow(() -> new BadCounterInput("Please give " + field + "."));
        } catch (BadCounterInput e) {
            throw e;
        } catch (UserError e) {
            throw new BadCounterInput(e.getMessage());
        }
    }

    static int page(String value) {
        try {
            return Params.page(value);
        } catch (UserError e) {
            throw new BadCounterInput(e.getMessage());
        }
    }

    /** Free text of a counter form (a customer search, a film title). */
    static java.util.Optional<String> text(String field, String value) {
        try {
            return Params.text(field, value, Params.MAX_TEXT);
        } catch (UserError e) {
            throw new BadCounterInput(e.getMessage());
        }
    }
}
