package org.pagila.store.staff;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The attributes of every cookie the store sets itself (the session cookie, the expiry of the CSRF cookie): HttpOnly,
 * SameSite=Strict, and Secure under TLS or behind a TLS proxy (pagila.http.secure-cookies), or whenever this request
 * came over HTTPS. One place, so the session and the CSRF cookie cannot drift apart.
 */
@ApplicationScoped
public class StoreCookies {
    @ConfigProperty(name = "pagila.http.secure-cookies", defaultValue = "false")
    boolean secureCookies;

    /** A cookie of the browser session (no Max-Age): it ends when the browser closes. */
    Cookie of(RoutingContext rc, String name, String value, String path) {
        return Cookie.cookie(name, value).setPath(path).setHttpOnly(true).setSecure(secureCookies || rc.request().isSSL())
                .setSameSite(CookieSameSite.STRICT);
    }

    /** Tells the browser to drop the cookie now (same name, path and attributes, Max-Age=0). */
    Cookie expired(RoutingContext rc, String name, String path) {
        return of(rc, name, "", path).setMaxAge(0);
    }
}
