package org.pagila.store.web;

import jakarta.ws.rs.core.Response.Status;

/**
 * The one error type of every feature: a request the store cannot serve because of what was asked (unknown id,
 * bad parameter, copy not in stock, ...). Carries the status, what the customer should read and where to go
 * next; {@link ErrorPages} renders it as HTML or JSON. Features name their refusals as subclasses
 * (RecordNotFound, RentalRefused, BadCounterInput), so the status lives with the refusal, not in the mapper.
 */
public class UserError extends RuntimeException {
    private final Status status;
    private final Link back;

    /** Where to go instead: e.g. ("/films", "Browse all films"). */
    public record Link(String href, String label) {
    }

    public static final Link COUNTER = new Link("/staff", "Back to the counter");

    public UserError(Status status, String message, Link back) {
        this(status, message, back, null);
    }

    /** No stack trace: a refusal is an answer, not an incident. */
    protected UserError(Status status, String message, Link back, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.back = back;
    }

    public static UserError notFound(String message) {
        return new UserError(Status.NOT_FOUND, message, null);
    }

    public static UserError badRequest(String message) {
        return new UserError(Status.BAD_REQUEST, message, null);
    }

    public UserError withLink(String href, String label) {
        return new UserError(status, getMessage(), new Link(href, label));
    }

    public Status status() {
        return status;
    }

    public Link back() {
        return back;
    }

    /** A positive whole-number id from a path segment, or a 400 that says what was expected. */
    public static int parseId(String raw, String what) {
        return Params.id(raw).orElseThrow(() -> badRequest("The " + what + " id must be a positive whole number, not '"
                + abbreviate(String.valueOf(raw)) + "'."));
    }

    /** Echoing input back is useful, echoing a megabyte of it (or its control characters) is not. */
    public static String abbreviate(String raw) {
        String shown = raw.length() <= 60 ? raw : raw.substring(0, 57) + "...";
        StringBuilder printable = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return printable.toString();
    }
}
