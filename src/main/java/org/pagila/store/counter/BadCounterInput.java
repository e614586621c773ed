package org.pagila.store.counter;

/** A form field or JSON property that is missing or not what the counter expects (HTTP 400). */
public class BadCounterInput extends RuntimeException {
    public BadCounterInput(String message) {
        super(message);
    }

    /** A required positive whole number, such as a customer id or a page. */
    static int positive(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BadCounterInput("Please give " + field + ".");
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new BadCounterInput(field + " must be a whole number of at least 1, not \"" + value.trim() + "\".");
    }

    static int page(String value) {
        return value == null || value.isBlank() ? 1 : positive("the page", value);
    }
}
