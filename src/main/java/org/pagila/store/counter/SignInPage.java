package org.pagila.store.counter;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.pagila.store.staff.SignInGate;
import org.jboss.resteasy.reactive.RestQuery;

/** The staff sign-in form; Quarkus form authentication receives it at /j_security_check. */
@Path("/staff/sign-in")
@APIResponse(responseCode = "200", description = "The sign-in form")
@APIResponse(responseCode = "403", description = "The sign-in form came from another site or without its CSRF token (error=expired): a fresh form")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address or for this username; Retry-After says when to try again")
@APIResponse(responseCode = "503", description = "No node could be asked for the staff member (error=unavailable): the password was not checked; Retry-After says when to try again")
public class SignInPage {

    @CheckedTemplate(basePath = "counter")
    static class Templates {
        static native TemplateInstance signIn(boolean failed, boolean signedOut, boolean throttled, boolean expired,
                boolean unavailable);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response form(@RestQuery String error, @RestQuery("signed-out") String signedOut) {
        if ("throttled".equals(error)) {
            // the gate sent the browser here instead of checking another password: say so, with the same 429 the API gives
            return Response.status(429).header(HttpHeaders.RETRY_AFTER, SECONDS_SHOWN)
                    .entity(Templates.signIn(false, false, true, false, false)).build();
        }
        if ("expired".equals(error)) {
            // a sign-in form from another site, or without its page's CSRF token: refused, with a fresh form here
            return Response.status(Response.Status.FORBIDDEN).entity(Templates.signIn(false, false, false, true, false)).build();
        }
        if ("unavailable".equals(error)) {
            // no node could be asked for the staff member: the password was not judged, a retry soon will do
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(SignInGate.UNAVAILABLE_RETRY_SECONDS))
                    .entity(Templates.signIn(false, false, false, false, true)).build();
        }
        return Response.ok(Templates.signIn(error != null, signedOut != null, false, false, false)).build();
    }

    /** The page cannot know the exact wait of the address or the username; a short, honest hint. */
    private static final String SECONDS_SHOWN = "60";
}
