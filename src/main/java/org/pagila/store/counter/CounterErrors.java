package org.pagila.store.counter;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.pagila.store.rental.RecordNotFound;
import org.pagila.store.rental.RentalRefused;

/** The counter's refusals as HTTP: JSON under /api, a friendly page elsewhere. Never a stack trace. */
public class CounterErrors {

    /** The body of every counter API error. */
    public record ErrorBody(int status, String error, String message) {
    }

    @CheckedTemplate(basePath = "counter")
    static class Templates {
        static native TemplateInstance error(int status, String title, String message);
    }

    @ServerExceptionMapper
    public Response notFound(RecordNotFound e, UriInfo uri) {
        return respond(uri, Response.Status.NOT_FOUND, "Not found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response refused(RentalRefused e, UriInfo uri) {
        return respond(uri, Response.Status.CONFLICT, "Not possible right now", e.getMessage());
    }

    @ServerExceptionMapper
    public Response badInput(BadCounterInput e, UriInfo uri) {
        return respond(uri, Response.Status.BAD_REQUEST, "Please check the input", e.getMessage());
    }

    @ServerExceptionMapper
    public Response csrf(CsrfGuard.CsrfRejected e, UriInfo uri) {
        return respond(uri, Response.Status.FORBIDDEN, "Form expired", e.getMessage());
    }

    private static Response respond(UriInfo uri, Response.Status status, String title, String message) {
        if (uri.getPath().startsWith("/api/")) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody(status.getStatusCode(), status.getReasonPhrase(), message)).build();
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.error(status.getStatusCode(), title, message)).build();
    }
}
