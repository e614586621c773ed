package org.pagila.store.counter;

import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * Every POST to a staff page must carry the CSRF token of its cookie in the form; staff pages hand the cookie out, and
 * so does /cluster when it shows a staff member the demo controls (which post under /staff/cluster/demo). The cookie is
 * therefore valid for the whole site (Path=/): /cluster must read the token a /staff page issued, or it would replace
 * it and break the forms of the staff member's other open pages. Still HttpOnly and SameSite=Strict.
 */
public class CsrfGuard {
    @Inject
    CsrfToken csrf;

    @ServerRequestFilter(readBody = true)
    public Response check(ContainerRequestContext request, ServerRequestContext server) {
        if (!isStaffPage(request)) {
            return null;
        }
        if (!HttpMethod.POST.equals(request.getMethod())) {
            csrf.getToken(); // decided before the page renders, so the response filter can set the cookie
            return null;
        }
        Object sent = ((ResteasyReactiveRequestContext) server).getFormParameter(CsrfToken.FIELD, true, false);
        String expected = csrf.fromCookie();
        if (expected == null || !(sent instanceof String token) || !MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new CsrfRejected();
        }
        return null;
    }

    @ServerResponseFilter
    public void issue(ContainerRequestContext request, ContainerResponseContext response) {
        if ((isStaffPage(request) || request.getUriInfo().getPath().equals("/cluster")) && csrf.issued()) {
            response.getHeaders().add(HttpHeaders.SET_COOKIE, new NewCookie.Builder(CsrfToken.COOKIE).value(csrf.getToken())
                    .path("/").httpOnly(true).sameSite(NewCookie.SameSite.STRICT).build());
        }
    }

    private static boolean isStaffPage(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        return path.equals("/staff") || path.startsWith("/staff/");
    }

    /** A staff form arrived without the token of this browser's cookie (HTTP 403). */
    public static class CsrfRejected extends RuntimeException {
        CsrfRejected() {
            super("This form has expired or did not come from the counter pages. Please go back, reload the page and try again.");
        }
    }
}
