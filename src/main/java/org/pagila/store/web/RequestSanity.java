package org.pagila.store.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A first, cheap look at every request before any resource sees it: no query parameter may be longer than
 * anything the store takes, hold control characters (NUL included) or bytes that are not UTF-8, and no path
 * may either. Resources then check their own parameters with {@link Params}; this filter makes sure a
 * parameter nobody reads (or a future one) cannot carry such text to the database either.
 */
public class RequestSanity {
    /** Longer than any single parameter the store takes (the longest is a 200-character search). */
    static final int MAX_PARAMETER = 1_000;
    static final int MAX_PARAMETERS = 40;

    @ServerRequestFilter(preMatching = true)
    public void check(ContainerRequestContext request) {
        Params.refuseUnreadable("The address", request.getUriInfo().getPath());
        Map<String, List<String>> query = request.getUriInfo().getQueryParameters();
        if (query.size() > MAX_PARAMETERS) {
            throw UserError.badRequest("This request has " + query.size() + " parameters; no page takes more than "
                    + MAX_PARAMETERS + ".");
        }
        query.forEach((name, values) -> {
            Params.refuseUnreadable("A parameter name", name);
            for (String value : values) {
                if (value.length() > MAX_PARAMETER) {
                    throw UserError.badRequest(UserError.abbreviate(name) + " is at most " + MAX_PARAMETER
                            + " characters; this one has " + value.length() + ".");
                }
                Params.refuseUnreadable(UserError.abbreviate(name), value);
            }
        });
    }
}
