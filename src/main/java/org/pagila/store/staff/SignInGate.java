package org.pagila.store.staff;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs before Quarkus' authentication on every request: a throttled client address or username is answered
 * 429 + Retry-After at once (JSON for HTTP Basic, the sign-in page for the form), so guessing costs the store
 * nothing; and it carries the server-side session cookie (StaffSessions) in and out, since identity providers
 * only see the request and run on worker threads.
 */
@ApplicationScoped
public class SignInGate {
    static final String FORM_ACTION = "/j_security_check";
    private static final String NEW_SESSION = "pagila.new-session";
    private static final String THROTTLED = "pagila.throttled";
    private static final String FORM_REFUSED = "pagila.sign-in-form-refused";
    private static final String UNAVAILABLE = "pagila.sign-in-unavailable";
    /** How long a client waits when no node could be asked for the staff member (a failover takes seconds). */
    public static final long UNAVAILABLE_RETRY_SECONDS = 2;
    /** Where a sign-in form from another site, or without its page's CSRF token, lands (403 and a fresh form). */
    static final String FORM_REFUSED_PAGE = "/staff/sign-in?error=expired";

    @Inject
    SignInThrottle throttle;

    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name", defaultValue = "pagila-staff")
    String formCookie;

    @Inject
    StoreCookies cookies;

    void register(@Observes Filters filters) {
        filters.register(this::gate, SecurityHandlerPriorities.AUTHENTICATION + 10);
    }

    private void gate(RoutingContext rc) {
        String username = basicUsername(rc);
        boolean formSignIn = isFormSignIn(rc);
        if (formSignIn && crossSite(rc)) {
            // login CSRF: a foreign page must not sign a browser in (as the attacker) behind the user's back; the
            // browser lands on the sign-in page, which says why (the form's own token is checked in the provider)
            rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, FORM_REFUSED_PAGE).end();
            return;
        }
        if (username != null || formSignIn) {
            var wait = throttle.retryAfter(clientAddress(rc), username);
            if (wait.isPresent()) {
                refuse(rc, wait.get(), formSignIn);
                return;
            }
        }
        rc.addHeadersEndHandler(v -> {
            if (rc.get(FORM_REFUSED) != null) {
                // the sign-in form lacked the token of its page: no password was checked, the page says why
                rc.response().putHeader(HttpHeaders.LOCATION, FORM_REFUSED_PAGE);
            } else if (formSignIn) {
                // refused inside the identity provider (throttled username, no node to ask): the form's page says why
                refusedFormPage(rc).ifPresent(page -> rc.response().putHeader(HttpHeaders.LOCATION, page));
            } else {
                // 429 throttled; 503 judged no password (the credentials may be right), so not a 401: a retry soon will do
                refusalStatus(rc).ifPresent(status -> rc.response().setStatusCode(status)
                        .putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds(rc))));
            }
            String session = rc.get(NEW_SESSION);
            if (session != null) {
                rc.response().addCookie(cookies.of(rc, StaffSessions.COOKIE, session, "/")); // no Max-Age: ends with the browser
            }
        });
        rc.next();
    }

    private void refuse(RoutingContext rc, Duration wait, boolean formSignIn) {
        long seconds = SignInThrottle.seconds(wait);
        rc.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        if (formSignIn) {
            rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/staff/sign-in?error=throttled").end();
            return;
        }
        rc.response().setStatusCode(429).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"status\":429,\"error\":\"Too Many Requests\",\"message\":\"" + tooMany(seconds) + "\",\"link\":\"/staff/sign-in\"}");
    }

    /** Browsers say where a form came from (Sec-Fetch-Site, else Origin); requests that say nothing are not browsers. */
    static boolean crossSite(RoutingContext rc) {
        String site = rc.request().getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = rc.request().getHeader(HttpHeaders.ORIGIN);
        if (origin == null || origin.equals("null")) {
            return origin != null;
        }
        String host = rc.request().getHeader(HttpHeaders.HOST);
        int scheme = origin.indexOf("://");
        return host == null || scheme < 0 || !origin.substring(scheme + 3).equalsIgnoreCase(host);
    }

    public static String tooMany(long seconds) {
        return "Too many failed sign-ins from this address or for this username. Please wait " + seconds
                + " seconds before trying again.";
    }

    static boolean isFormSignIn(RoutingContext rc) {
        return rc != null && rc.request().method() == HttpMethod.POST && FORM_ACTION.equals(rc.normalizedPath());
    }

    /** The client's address; behind a TLS proxy with quarkus.http.proxy.proxy-address-forwarding it is the forwarded one. */
    static String clientAddress(RoutingContext rc) {
        if (rc == null || rc.request().remoteAddress() == null) {
            return "unknown";
        }
        return rc.request().remoteAddress().hostAddress();
    }

    static void markThrottled(RoutingContext rc, Duration wait) {
        if (rc != null) {
            rc.put(THROTTLED, wait);
        }
    }

    static void markUnavailable(RoutingContext rc) {
        if (rc != null) {
            rc.put(UNAVAILABLE, Boolean.TRUE);
        }
    }

    /** The status a refused sign-in gets (429 throttled, 503 no node to ask), or empty for a plain 401; the error body's too. */
    public static java.util.Optional<Integer> refusalStatus(RoutingContext rc) {
        if (rc == null || isFormSignIn(rc)) {
            return java.util.Optional.empty();
        }
        return rc.get(THROTTLED) != null ? java.util.Optional.of(429)
                : rc.get(UNAVAILABLE) != null ? java.util.Optional.of(503) : java.util.Optional.empty();
    }

    /** The same refusals for the sign-in form: the page that says why. */
    private static java.util.Optional<String> refusedFormPage(RoutingContext rc) {
        return rc.get(THROTTLED) != null ? java.util.Optional.of("/staff/sign-in?error=throttled")
                : rc.get(UNAVAILABLE) != null ? java.util.Optional.of("/staff/sign-in?error=unavailable") : java.util.Optional.empty();
    }

    private static long retryAfterSeconds(RoutingContext rc) {
        Duration throttled = rc.get(THROTTLED);
        return throttled != null ? SignInThrottle.seconds(throttled) : UNAVAILABLE_RETRY_SECONDS;
    }

    /** The words of a throttled sign-in's answer, with the wait the gate gives in Retry-After. */
    public static String throttledMessage(RoutingContext rc) {
        Duration wait = rc == null ? null : rc.get(THROTTLED);
        return tooMany(wait == null ? 60 : SignInThrottle.seconds(wait));
    }

    static void markFormRefused(RoutingContext rc) {
        rc.put(FORM_REFUSED, Boolean.TRUE);
    }

    static void openSession(RoutingContext rc, String id) {
        rc.put(NEW_SESSION, id);
    }

    /** Whether this request signed in, i.e. opened a new session (its CSRF cookie is renewed, see CsrfCookie). */
    static boolean openedSession(RoutingContext rc) {
        return rc.get(NEW_SESSION) != null;
    }

    public static String sessionId(RoutingContext rc) {
        if (rc == null) {
            return null;
        }
        Cookie cookie = rc.request().getCookie(StaffSessions.COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    /** The username of an HTTP Basic header, without checking anything else. */
    static String basicUsername(RoutingContext rc) {
        String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() > 1024 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
