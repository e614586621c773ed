package org.pagila.store.counter;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pagila.cluster.secrets.Secrets;

/**
 * The double-submit CSRF token of the staff pages: a random value in an HttpOnly, SameSite=Strict cookie that every
 * staff form repeats in a hidden field ({@code {inject:csrf.token}}). (quarkus-rest-csrf, which does the same, is
 * not published for Quarkus 3.34.2.)
 */
@RequestScoped
@Named("csrf")
public class CsrfToken {
    static final String COOKIE = "pagila-csrf";
    public static final String FIELD = "csrf-token";

    @Inject
    HttpServerRequest request;

    private String token;
    private boolean issued;

    /** The browser's token, or a new one that the response will set. */
    public String getToken() {
        if (token == null) {
            token = fromCookie();
            if (token == null) {
                token = Secrets.generate();
                issued = true;
            }
        }
        return token;
    }

    String fromCookie() {
        Cookie cookie = request.getCookie(COOKIE);
        return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
    }

    boolean issued() {
        return issued;
    }
}
