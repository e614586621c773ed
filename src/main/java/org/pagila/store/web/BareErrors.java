package org.pagila.store.web;

import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import java.lang.annotation.Annotation;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.pagila.store.staff.SignInGate;

/**
 * A framework filter that aborts with a bare status still answers by the error contract (words, and a page or JSON).
 * The one that does here is quarkus-rest-csrf: 400 without a body for a form without its CSRF token, with a token
 * that is not its cookie's, or with a malformed CSRF cookie.
 */
public class BareErrors {
    /** What a refused staff form says, whichever check refused it. */
    public static final String FORM_REFUSED = "This form has expired or did not come from the store's own pages. "
            + "Please go back, reload the page and try again.";
    static final String SIGN_IN_UNAVAILABLE = "Staff sign-in cannot reach the database right now (the cluster may be"
            + " changing its primary). Please try again in a few seconds.";
    /** Quarkus' own 401 comes only after it judged Basic credentials (none at all: BasicChallenge answers). */
    static final String WRONG_CREDENTIALS = "That username and password do not match a staff member.";
    static final String BAD_COOKIE = "Your browser sent a damaged security cookie for this site. Please delete this"
            + " site's cookies and reload the page.";

    @ServerResponseFilter
    public void explain(ContainerRequestContext request, ContainerResponseContext response, RoutingContext http) {
        if (response.getStatus() == 401 && !response.hasEntity()) {
            // a sign-in the gate throttled (429) or could not judge (503): the body says what the status will say
            SignInGate.refusalStatus(http).ifPresent(response::setStatus);
        }
        Status status = Status.fromStatusCode(response.getStatus());
        boolean signInUnavailable = status == Status.SERVICE_UNAVAILABLE;
        if (status == null || (status.getFamily() != Status.Family.CLIENT_ERROR && !signInUnavailable) || response.hasEntity()) {
            return;
        }
        String path = request.getUriInfo().getPath();
        boolean form = !HttpMethod.GET.equals(request.getMethod()) && !HttpMethod.HEAD.equals(request.getMethod());
        String message = signInUnavailable ? SIGN_IN_UNAVAILABLE
                : status == Status.TOO_MANY_REQUESTS ? SignInGate.throttledMessage(http)
                : status == Status.UNAUTHORIZED ? WRONG_CREDENTIALS
                : status != Status.BAD_REQUEST ? status.getReasonPhrase() + "." : form ? FORM_REFUSED : BAD_COOKIE;
        UserError.Link back = form && path.startsWith("/staff") ? UserError.COUNTER : null;
        Response page = ErrorPages.respond(status, message, back, ErrorPages.wantsJson(path, request.getAcceptableMediaTypes()));
        Object entity = page.getEntity() instanceof TemplateInstance template ? template.render() : page.getEntity();
        response.setEntity(entity, new Annotation[0], page.getMediaType());
    }
}
