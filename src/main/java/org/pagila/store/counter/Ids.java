package org.pagila.store.counter;

import org.pagila.store.rental.RecordNotFound;

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
        try {
            int id = Integer.parseInt(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // the same answer as an unknown number
        }
        throw new RecordNotFound("There is no " + what + " \"" + raw + "\".");
    }
}
