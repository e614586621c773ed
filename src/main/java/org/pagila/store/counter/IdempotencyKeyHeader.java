package org.pagila.store.counter;

import java.util.List;
import java.util.regex.Pattern;

/** The Idempotency-Key of an API write or the one-time key of a staff form: optional, one, short and plain. */
final class IdempotencyKeyHeader {
    static final String HEADER = "Idempotency-Key";
    static final String FORM_FIELD = "idempotency-key";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:-]{8,100}");

    private IdempotencyKeyHeader() {
    }

    /** Null when none was sent (the write then simply runs); a 400 when it is repeated or not a plain key. */
    static String from(List<String> values, String name) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadCounterInput(name + " is given " + values.size() + " times; send one key per request.");
        }
        String key = values.get(0) == null ? "" : values.get(0).strip();
        if (!PLAIN.matcher(key).matches()) {
            throw new BadCounterInput(name + " must be 8 to 100 letters, digits or . _ : - (a UUID is ideal), not '"
                    + org.pagila.store.web.UserError.abbreviate(key) + "'.");
        }
        return key;
    }
}
