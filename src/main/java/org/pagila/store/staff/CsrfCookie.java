package org.pagila.store.staff;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the CSRF cookie of quarkus-rest-csrf lives and when it is renewed. The extension hands its cookie out with
 * every REST GET; only the pages with forms need it (the staff pages, the sign-in page, /cluster for a signed-in staff
 * member), so every other answer drops it (no cookie on the cacheable catalog). A sign-in and a sign-out expire it: the next form page gets a new token, which
 * then belongs to that session alone (SessionFormTokens), so no token from before the sign-in, or planted in the
 * browser, counts.
 */
@ApplicationScoped
public class CsrfCookie {
    static final String SIGN_OUT = "/staff/sign-out";
    static final String CLUSTER_PAGE = "/cluster";

    @ConfigProperty(name = "quarkus.rest-csrf.cookie-name")
    String name;

    @ConfigProperty(name = "quarkus.rest-csrf.cookie-path", defaultValue = "/")
    String path;

    @ConfigProperty(name = "pagila.http.secure-cookies", defaultValue = "false")
    boolean secureCookies;

    void register(@Observes Filters filters) {
        filters.register(this::scope, SecurityHandlerPriorities.AUTHENTICATION + 20);
    }

    private void scope(RoutingContext rc) {
        rc.addHeadersEndHandler(v -> {
            if (SignInGate.openedSession(rc) || signedOut(rc)) {
                rc.response().removeCookies(name, false);
                rc.response().addCookie(Cookie.cookie(name, "").setPath(path).setMaxAge(0).setHttpOnly(true)
                        .setSecure(secureCookies || rc.request().isSSL()).setSameSite(CookieSameSite.STRICT));
            } else if (!isFormPage(rc.normalizedPath()) || CLUSTER_PAGE.equals(rc.normalizedPath()) && SignInGate.sessionId(rc) == null) {
                rc.response().removeCookies(name, false);
            }
        });
        rc.next();
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
