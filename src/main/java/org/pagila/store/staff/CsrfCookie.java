package org.pagila.store.staff;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the CSRF cookie of quarkus-rest-csrf lives and when it is renewed. The extension hands its cookie out with
 * every REST GET; only the pages with forms need it (the staff pages, the sign-in page, /cluster for a signed-in staff
 * member), so every other answer drops it (no cookie on the cacheable catalog). A sign-in and a sign-out expire it: the next form page gets a new token, which
 * then belongs to that session alone (SessionFormTokens), so no token from before the sign-in, or planted in the
 * browser, counts. A malformed cookie (garbled, cut short, another size) would make the extension answer 400 to every
 * request until the user deleted it; so it is taken out of the request before the extension looks, and the answer
 * replaces it: a form page gets a fresh token, any other answer expires it. A form posted with it still fails (no
 * valid cookie: the extension's 400, "This form has expired ...").
 */
@ApplicationScoped
public class CsrfCookie {
    static final String SIGN_OUT = "/staff/sign-out";
    static final String CLUSTER_PAGE = "/cluster";

    @ConfigProperty(name = "quarkus.rest-csrf.cookie-name")
    String name;

    @ConfigProperty(name = "quarkus.rest-csrf.cookie-path", defaultValue = "/")
    String path;

    /** The extension's own rule for a well-formed cookie: base64url of token-size bytes (32 when signed). */
    @ConfigProperty(name = "quarkus.rest-csrf.token-size", defaultValue = "16")
    int tokenSize;

    @ConfigProperty(name = "quarkus.rest-csrf.token-signature-key")
    Optional<String> signatureKey;

    @Inject
    StoreCookies cookies;

    void register(@Observes Filters filters) {
        filters.register(this::scope, SecurityHandlerPriorities.AUTHENTICATION + 20);
    }

    private void scope(RoutingContext rc) {
        // read from the raw header: the request's cookie jar is parsed once, at its first use, and must not see it
        boolean malformed = dropMalformed(rc);
        rc.addHeadersEndHandler(v -> {
            if (SignInGate.openedSession(rc) || signedOut(rc)) {
                rc.response().removeCookies(name, false);
                rc.response().addCookie(cookies.expired(rc, name, path));
            } else if (!isFormPage(rc.normalizedPath()) || CLUSTER_PAGE.equals(rc.normalizedPath()) && SignInGate.sessionId(rc) == null) {
                rc.response().removeCookies(name, false);
            }
            // the request's one was taken out: any cookie of this name now is the answer's fresh token (a form page)
            if (malformed && rc.request().cookies(name).isEmpty()) {
                rc.response().addCookie(cookies.expired(rc, name, path));
            }
        });
        rc.next();
    }

    /** Takes a malformed CSRF cookie out of the request's Cookie headers; true if there was one. */
    private boolean dropMalformed(RoutingContext rc) {
        List<String> headers = rc.request().headers().getAll(HttpHeaders.COOKIE);
        boolean dropped = false;
        List<String> kept = new ArrayList<>();
        for (String header : headers) {
            List<String> pairs = new ArrayList<>();
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                int eq = trimmed.indexOf('=');
                if (eq > 0 && trimmed.substring(0, eq).strip().equals(name) && !wellFormed(trimmed.substring(eq + 1).strip())) {
                    dropped = true;
                } else if (!trimmed.isEmpty()) {
                    pairs.add(trimmed);
                }
            }
            if (!pairs.isEmpty()) {
                kept.add(String.join("; ", pairs));
            }
        }
        if (dropped) {
            rc.request().headers().remove(HttpHeaders.COOKIE);
            kept.forEach(header -> rc.request().headers().add(HttpHeaders.COOKIE, header));
        }
        return dropped;
    }

    boolean wellFormed(String value) {
        try {
            return Base64.getUrlDecoder().decode(value).length == (signatureKey.isPresent() ? 32 : tokenSize);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean signedOut(RoutingContext rc) {
        return rc.request().method() == HttpMethod.POST && SIGN_OUT.equals(rc.normalizedPath())
                && rc.response().getStatusCode() == 303;
    }

    /** The pages with forms that post: the staff pages (the sign-in page included) and /cluster (its demo controls
     *  for a signed-in staff member; others get no cookie there). */
    static boolean isFormPage(String path) {
        return path != null && (path.equals("/staff") || path.startsWith("/staff/") || path.equals(CLUSTER_PAGE));
    }
}
