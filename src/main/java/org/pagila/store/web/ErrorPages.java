package org.pagila.store.web;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.pagila.store.cluster.ReadOnlyException;
import org.pagila.store.counter.BadCounterInput;
import org.pagila.store.counter.CsrfGuard;
import org.pagila.store.rental.RecordNotFound;
import org.pagila.store.rental.RentalRefused;

/**
 * Every failure reaches the customer as a short explanation and a way back: a page in the browser, JSON under
 * /api. Never a stack trace: unexpected errors are logged with an id that the response quotes.
 */
public class ErrorPages {
    private static final Logger LOG = Logger.getLogger(ErrorPages.class);

    /** The JSON body of every /api error. */
    public record ApiError(int status, String error, String message, String link) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(int status, String title, String message, UserError.Link back);
    }

    @ServerExceptionMapper
    public Response userError(UserError e, UriInfo uri, HttpHeaders headers) {
        return respond(e.status(), e.getMessage(), e.back(), uri, headers);
    }

    @ServerExceptionMapper
    public Response webError(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        Status status = Status.fromStatusCode(e.getResponse().getStatus());
        if (status == null) {
            status = Status.BAD_REQUEST;
        }
        String message = switch (status) {
            case NOT_FOUND -> "There is nothing at " + UserError.abbreviate(uri.getPath()) + ".";
            case METHOD_NOT_ALLOWED -> "This address does not accept that method.";
            case NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE -> "This address cannot answer in the requested format.";
            default -> status.getReasonPhrase() + ".";
        };
        return respond(status, message, null, uri, headers);
    }

    // ---- the counter's refusals: back to the counter ----
    private static final UserError.Link COUNTER = new UserError.Link("/staff", "Back to the counter");

    @ServerExceptionMapper
    public Response recordNotFound(RecordNotFound e, UriInfo uri, HttpHeaders headers) {
        return respond(Status.NOT_FOUND, e.getMessage(), COUNTER, uri, headers);
    }

    @ServerExceptionMapper
    public Response rentalRefused(RentalRefused e, UriInfo uri, HttpHeaders headers) {
        return respond(Status.CONFLICT, e.getMessage(), COUNTER, uri, headers);
    }

    @ServerExceptionMapper
    public Response badCounterInput(BadCounterInput e, UriInfo uri, HttpHeaders headers) {
        return respond(Status.BAD_REQUEST, e.getMessage(), COUNTER, uri, headers);
    }

    @ServerExceptionMapper
    public Response csrfRejected(CsrfGuard.CsrfRejected e, UriInfo uri, HttpHeaders headers) {
        return respond(Status.FORBIDDEN, e.getMessage(), COUNTER, uri, headers);
    }

    /** A write while no primary can take it: the store is read-only for a moment, browsing goes on. */
    @ServerExceptionMapper
    public Response readOnly(ReadOnlyException e, UriInfo uri, HttpHeaders headers) {
        return Response.fromResponse(respond(Status.SERVICE_UNAVAILABLE, e.getMessage(),
                new UserError.Link("/films", "Keep browsing the catalog"), uri, headers))
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(ReadOnlyException.RETRY_AFTER_SECONDS)).build();
    }

    @ServerExceptionMapper
    public Response databaseUnavailable(PersistenceException e, UriInfo uri, HttpHeaders headers) {
        LOG.warnf("Catalog read failed on %s: %s", uri.getPath(), e.getMessage());
        return Response.fromResponse(respond(Status.SERVICE_UNAVAILABLE,
                "The catalog cannot be read right now. Please try again in a few seconds.", null, uri, headers))
                .header(HttpHeaders.RETRY_AFTER, "5").build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri, HttpHeaders headers) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(e, "Unexpected error %s on %s", incident, uri.getPath());
        return respond(Status.INTERNAL_SERVER_ERROR,
                "Something went wrong on our side (incident " + incident + "). Please try again.", null, uri, headers);
    }

    private static Response respond(Status status, String message, UserError.Link back, UriInfo uri, HttpHeaders headers) {
        UserError.Link link = back != null ? back : new UserError.Link("/", "Back to the storefront");
        if (wantsJson(uri, headers)) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(status.getStatusCode(), status.getReasonPhrase(), message, link.href())).build();
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.error(status.getStatusCode(), status.getReasonPhrase(), message, link)).build();
    }

    private static boolean wantsJson(UriInfo uri, HttpHeaders headers) {
        if (uri.getPath().startsWith("/api/") || uri.getPath().equals("/api")) {
            return true;
        }
        var accepted = headers.getAcceptableMediaTypes();
        return !accepted.isEmpty() && accepted.get(0).isCompatible(MediaType.APPLICATION_JSON_TYPE)
                && !accepted.get(0).isWildcardType();
    }
}
