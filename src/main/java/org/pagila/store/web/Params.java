package org.pagila.store.web;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place where request parameters become values. Every check here is a length test and a scan or a
 * regular expression over a bounded string, so no input costs more than microseconds, and nothing unchecked
 * reaches a parser that does work proportional to the value (BigDecimal's exponent, a huge OFFSET) or the
 * database (a NUL byte, which PostgreSQL text cannot hold). Each refusal is a 400 naming the parameter.
 */
public final class Params {
    /** The longest free text any field takes (searches, names): beyond this nothing useful is typed by hand. */
    public static final int MAX_TEXT = 200;
    /** The highest page any list answers; 10,000 pages of 24 is far past every list the store has. */
    public static final int MAX_PAGE = 10_000;
    /** Prices in dollars: up to 4 digits and at most 2 decimals, no sign and no exponent. */
    private static final Pattern PRICE = Pattern.compile("\\d{1,4}(\\.\\d{0,2})?|\\.\\d{1,2}");
    /** Whole numbers: at most 9 digits, so every accepted value fits an int. */
    private static final Pattern WHOLE = Pattern.compile("\\+?\\d{1,9}");
    private static final char REPLACEMENT = '\uFFFD';

    private Params() {
    }

    /** Free text: absent or blank is empty; refused when too long or holding control characters or invalid UTF-8. */
    public static Optional<String> text(String name, String raw, int maxLength) {
        if (raw == null) {
            return Optional.empty();
        }
        if (raw.length() > maxLength * 4) {
            // decided before stripping: a megabyte of spaces is still a megabyte
            throw tooLong(name, maxLength, raw.length());
        }
        String value = raw.strip();
        if (value.length() > maxLength) {
            throw tooLong(name, maxLength, value.length());
        }
        refuseUnreadable(name, value);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Text that must be given. */
    public static String requiredText(String name, String raw, int maxLength, String whatToGive) {
        return text(name, raw, maxLength).orElseThrow(() -> UserError.badRequest(whatToGive));
    }

    /** A price in dollars such as 2.99: digits, at most two decimals, at most 9999.99. */
    public static Optional<BigDecimal> price(String name, String raw) {
        return text(name, raw, 64).map(value -> {
            if (!PRICE.matcher(value).matches()) {
                throw UserError.badRequest(name + " is a price in dollars with at most 2 decimals such as 2.99, not '"
                        + UserError.abbreviate(value) + "'.");
            }
            return new BigDecimal(value);
        });
    }

    /** A whole number between min and max. */
    public static Optional<Integer> wholeNumber(String name, String raw, int min, int max, String meaning) {
        return text(name, raw, 64).map(value -> {
            if (WHOLE.matcher(value).matches()) {
                int number = Integer.parseInt(value);
                if (number >= min && number <= max) {
                    return number;
                }
            }
            throw UserError.badRequest(name + " is " + meaning + " (" + min + " to " + max + "), not '"
                    + UserError.abbreviate(value) + "'.");
        });
    }

    /** A page number from 1 to {@link #MAX_PAGE}; absent or blank is page 1. */
    public static int page(String raw) {
        return wholeNumber("page", raw, 1, MAX_PAGE, "a page number").orElse(1);
    }

    /** A positive id, or empty when it is not one (callers decide whether that is a 400 or a 404). */
    public static Optional<Integer> id(String raw) {
        if (raw == null || raw.length() > 16) {
            return Optional.empty();
        }
        String value = raw.strip();
        if (!WHOLE.matcher(value).matches()) {
            return Optional.empty();
        }
        int id = Integer.parseInt(value);
        return id > 0 ? Optional.of(id) : Optional.empty();
    }

    /** Control characters (NUL included) and U+FFFD, which is what an undecodable byte turns into. */
    public static void refuseUnreadable(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                throw UserError.badRequest(name + " contains a control character (code " + (int) c
                        + "); please send plain text.");
            }
            if (c == REPLACEMENT) {
                throw UserError.badRequest(name + " is not valid UTF-8 text.");
            }
        }
    }

    private static UserError tooLong(String name, int maxLength, int length) {
        return UserError.badRequest(name + " is at most " + maxLength + " characters; this one has " + length + ".");
    }
}
