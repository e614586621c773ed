package org.pagila.store.staff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.store.web.ErrorPages.ApiError;

/**
 * A staff API call that brings no HTTP Basic credentials at all gets the challenge RFC 7235 requires of a 401
 * ({@code WWW-Authenticate: basic realm="Pagila Store"}) and the error contract's JSON. Quarkus keeps its Basic
 * mechanism silent while form sign-in is on too (the counter's pages): without this, such a call got a 401 with
 * neither, and a client that sends credentials only when challenged (a browser, Java's HttpClient with an
 * Authenticator) never sent them. Wrong credentials are Quarkus' own 401, which does challenge (BareErrors words it).
 * The paths are the Basic-only permissions of application.properties, read from there.
 */
@ApplicationScoped
public class BasicChallenge {
    public static final String MESSAGE = "Sign in with HTTP Basic: a staff member's username and password, the same as at the"
            + " counter's sign-in page.";

    @ConfigProperty(name = "quarkus.http.auth.realm")
    String realm;

    @ConfigProperty(name = "quarkus.http.auth.permission.staff-api.paths")
    List<String> staffApi;

    @ConfigProperty(name = "quarkus.http.auth.permission.read-routing.paths")
    List<String> readRouting;

    @ConfigProperty(name = "quarkus.http.auth.permission.read-routing.methods")
    List<String> readRoutingMethods;

    @Inject
    ObjectMapper json;

    void register(@Observes Filters filters) {
        // before authentication, which for such a call would end the request with its silent 401
        filters.register(this::challenge, SecurityHandlerPriorities.AUTHENTICATION + 20);
    }

    private void challenge(RoutingContext rc) {
        if (bringsBasicCredentials(rc.request().getHeader(HttpHeaders.AUTHORIZATION)) || !needsBasic(rc)) {
            rc.next();
            return;
        }
        try {
            rc.response().setStatusCode(401)
                    .putHeader("WWW-Authenticate", "basic realm=\"" + realm + "\"")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(json.writeValueAsString(new ApiError(401, "Unauthorized", MESSAGE, "/staff/sign-in")));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean needsBasic(RoutingContext rc) {
        String path = rc.normalizedPath();
        return matches(staffApi, path)
                || (matches(readRouting, path) && readRoutingMethods.contains(rc.request().method().name()));
    }

    /** An Authorization header of the Basic scheme, whatever its credentials (those Quarkus judges). */
    static boolean bringsBasicCredentials(String authorization) {
        return authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith("basic ");
    }

    /** Quarkus' permission paths: exact, or a prefix ending in /* that also matches the prefix itself. */
    static boolean matches(List<String> permissionPaths, String path) {
        for (String pattern : permissionPaths) {
            if (pattern.endsWith("/*")) {
                String base = pattern.substring(0, pattern.length() - 2);
                if (path.equals(base) || path.startsWith(base + "/")) {
                    return true;
                }
            } else if (path.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
