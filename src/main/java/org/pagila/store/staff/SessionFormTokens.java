package org.pagila.store.staff;

import io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider;
import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.core.Response.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;
import org.pagila.store.web.BareErrors;
import org.pagila.store.web.UserError;

/**
 * Binds the CSRF token of quarkus-rest-csrf to the signed-in session. The extension checks a double-submit cookie:
 * the form's token must match the browser's CSRF cookie, so a form posted from another site fails (400). But it takes
 * any pair it ever issued, also one planted into the browser (from a sibling host, or over plain HTTP). So a session
 * keeps the token the extension made for it, at the moment it made it (a staff page asked for without a CSRF cookie:
 * right after the sign-in, which expires the cookie, see CsrfCookie), and each form a signed-in session posts must
 * carry exactly that token (else 403).
 */
public class SessionFormTokens {
    private static final String FRESH = "pagila.fresh-form-token";

    @Inject
    CsrfTokenParameterProvider csrf;

    @Inject
    StaffSessions sessions;

    @ServerRequestFilter
    @WithFormRead
    public void bindOrCheck(ResteasyReactiveContainerRequestContext request, RoutingContext rc) {
        String session = SignInGate.sessionId(rc);
        if (!CsrfCookie.isFormPage(rc.normalizedPath()) || !sessions.isOpen(session)) {
            return; // signed out: the sign-in redirect or the resource refuses (demo controls), not this
        }
        String method = request.getMethod();
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            if (rc.request().getCookie(csrf.getCookieName()) == null) {
                rc.put(FRESH, session); // no CSRF cookie came: the extension makes a new token for this page
            }
            return;
        }
        Object sent = ((ResteasyReactiveRequestContext) request.getServerRequestContext())
                .getFormParameter(csrf.getParameterName(), true, false);
        if (!(sent instanceof String token) || !sessions.hasFormToken(session, token)) {
            throw new UserError(Status.FORBIDDEN, BareErrors.FORM_REFUSED, UserError.COUNTER);
        }
    }

    /** The session gets the token the extension has made; read after all request filters, the extension's included. */
    @ServerResponseFilter
    public void bind(RoutingContext rc) {
        String session = rc.get(FRESH);
        if (session != null) {
            sessions.giveFormToken(session, csrf.getToken());
        }
    }

    /** The extension's rule for a form token and its cookie (the cookie holds the token, or its HMAC when signed). */
    static boolean matchesCookie(String formToken, String cookie, Optional<String> signatureKey) {
        if (formToken == null || cookie == null || formToken.isEmpty() || formToken.length() > 100) {
            return false;
        }
        String expected;
        try {
            expected = signatureKey.isPresent() ? CsrfTokenUtils.signCsrfToken(formToken, signatureKey.get()) : formToken;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8));
    }
}
