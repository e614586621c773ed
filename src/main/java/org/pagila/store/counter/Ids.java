package org.pagila.store.counter;

import org.pagila.store.rental.RecordNotFound;
import org.pagila.store.web.Params;
import org.pagila.store.web.UserError;

/** Ids in URLs: anything that is not a positive number names nothing, so it is a 404 like an unknown number. */
final class Ids {
    private Ids() {
    }

    static int customer(String raw) {
        return parse(raw, "customer");
    }

    static int rental(String raw) {
        return parse(raw, "rental");
    }

    static RecordNotFound noCustomer(int id) {
        return new RecordNotFound("There is no customer " + id + ".");
    }

    private static int parse(String raw, String what) {
        return Params.id(raw).orElseThrow(() -> new RecordNotFound("There is no " + what + " \""
                + UserError.abbreviate(String.valueOf(raw)) + "\"."));
    }
}
