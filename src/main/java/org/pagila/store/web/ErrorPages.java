package org.pagila.store.web;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.core.Request;
import java.io.IOException;
import java.sql.SQLException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

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
        Response response = respond(e.status(), e.getMessage(), e.back(), uri, headers);
        return e.status() == Status.SERVICE_UNAVAILABLE
                ? Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, "5").build()
                : response;
    }

    @ServerExceptionMapper
    public Response webError(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // the framework wraps a body it could not read: say what was wrong with it
            return badJson(json, uri, headers);
        }
        Status status = Status.fromStatusCode(e.getResponse().getStatus());
        if (status == null) {
            status = Status.BAD_REQUEST;
        }
        String message = switch (status) {
            case NOT_FOUND -> "There is nothing at " + UserError.abbreviate(uri.getPath()) + ".";
            case METHOD_NOT_ALLOWED -> "This address does not accept that method.";
            case NOT_ACCEPTABLE -> "This address cannot answer in the requested format.";
            case UNSUPPORTED_MEDIA_TYPE -> "This address cannot take a body of that type; send "
                    + (uri.getPath().startsWith("/api/") ? "application/json." : "the form of its page.");
            default -> status.getReasonPhrase() + ".";
        };
        return respond(status, message, null, uri, headers);
    }

    /** A JSON body that does not parse, or whose values do not fit the fields: 400 naming the field. */
    @ServerExceptionMapper({JsonProcessingException.class, JsonParseException.class, MismatchedInputException.class,
            InvalidFormatException.class, StreamReadException.class})
    public Response badJson(JsonProcessingException e, UriInfo uri, HttpHeaders headers) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UserError refusal) {
                // a request record refused its own values while being read: that refusal is the answer
                return userError(refusal, uri, headers);
            }
        }
        return respond(Status.BAD_REQUEST, JsonFailure.describe(e), null, uri, headers);
    }

    /** Database failures on any path, reads and writes alike, decided by SQLSTATE (see {@link DatabaseFailure}). */
    @ServerExceptionMapper
    public Response persistence(PersistenceException e, UriInfo uri, HttpHeaders headers, Request request) {
        return database(e, uri, headers, request);
    }

    @ServerExceptionMapper
    public Response sql(SQLException e, UriInfo uri, HttpHeaders headers, Request request) {
        return database(e, uri, headers, request);
    }

    private Response database(Exception e, UriInfo uri, HttpHeaders headers, Request request) {
        boolean write = !HttpMethod.GET.equals(request.getMethod()) && !HttpMethod.HEAD.equals(request.getMethod());
        DatabaseFailure failure = DatabaseFailure.of(e, write);
        if (failure.status() == Status.INTERNAL_SERVER_ERROR) {
            return unexpected(e, uri, headers);
        }
        LOG.warnf("Database failure (SQLSTATE %s) on %s %s: %s", failure.sqlState(), request.getMethod(), uri.getPath(),
                e.getMessage());
        Response response = respond(failure.status(), failure.message(), write ? UserError.COUNTER : null, uri, headers);
        return failure.retryLater()
                ? Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, "5").build()
                : response;
    }

    /**
     * No resource of ours does I/O of its own: an IOException here is the request's body that could not be read (a
     * multipart body cut short or without its boundary, read for the CSRF check), the client's fault, not ours.
     */
    @ServerExceptionMapper
    public Response unreadableBody(IOException e, UriInfo uri, HttpHeaders headers) {
        LOG.debugf("Unreadable request body on %s: %s", uri.getPath(), e.getMessage());
        return respond(Status.BAD_REQUEST, "The body of this request could not be read: it is cut short or malformed.",
                null, uri, headers);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri, HttpHeaders headers) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(e, "Unexpected error %s on %s", incident, uri.getPath());
        return respond(Status.INTERNAL_SERVER_ERROR,
                "Something went wrong on our side (incident " + incident + "). Please try again.", null, uri, headers);
    }

    private static Response respond(Status status, String message, UserError.Link back, UriInfo uri, HttpHeaders headers) {
        return respond(status, message, back, wantsJson(uri.getPath(), headers.getAcceptableMediaTypes()));
    }

    static Response respond(Status status, String message, UserError.Link back, boolean json) {
        UserError.Link link = back != null ? back : new UserError.Link("/", "Back to the storefront");
        if (json) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(status.getStatusCode(), status.getReasonPhrase(), message, link.href())).build();
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.error(status.getStatusCode(), status.getReasonPhrase(), message, link)).build();
    }

    static boolean wantsJson(String path, List<MediaType> accepted) {
        if (path.startsWith("/api/") || path.equals("/api")) {
            return true;
        }
        return !accepted.isEmpty() && accepted.get(0).isCompatible(MediaType.APPLICATION_JSON_TYPE)
                && !accepted.get(0).isWildcardType();
    }
}
