package org.pagila.store.web;

import jakarta.ws.rs.core.Response.Status;

/**
 * A request the store cannot serve because of what was asked (unknown id, bad parameter, ...). Carries what
 * the customer should read and where to go next; {@link ErrorPages} renders it as HTML or JSON.
 */
public class UserError extends RuntimeException {
    private final Status status;
    private final Link back;

    /** Where to go instead: e.g. ("/films", "Browse all films"). */
    public record Link(String href, String label) {
    }

    public UserError(Status status, String message, Link back) {
        super(message, null, false, false);
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
        try {
            int id = Integer.parseInt(raw.strip());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw badRequest("The " + what + " id must be a positive whole number, not '" + abbreviate(raw) + "'.");
    }

    /** Echoing input back is useful, echoing a megabyte of it is not. */
    public static String abbreviate(String raw) {
        return raw.length() <= 60 ? raw : raw.substring(0, 57) + "...";
    }
}
