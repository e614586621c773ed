package org.pagila.store.cluster;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** 503 with Retry-After: JSON for the API, a page for the browser. */
public class ReadOnlyMapper {
    public static final int RETRY_AFTER_SECONDS = 5;

    @Inject
    @Location("read-only.html")
    Template page;

    @ServerExceptionMapper
    public Response readOnly(ReadOnlyException e, UriInfo uri, HttpHeaders headers) {
        boolean api = uri.getPath().startsWith("/api/")
                || headers.getAcceptableMediaTypes().stream().anyMatch(MediaType.APPLICATION_JSON_TYPE::isCompatible)
                && headers.getAcceptableMediaTypes().stream().noneMatch(MediaType.TEXT_HTML_TYPE::isCompatible);
        Response.ResponseBuilder response = Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        if (api) {
            return response.type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("status", 503, "error", "read-only", "message", ReadOnlyException.MESSAGE,
                            "retryAfterSeconds", RETRY_AFTER_SECONDS))
                    .build();
        }
        return response.type(MediaType.TEXT_HTML_TYPE)
                .entity(page.data("message", ReadOnlyException.MESSAGE).data("retryAfter", RETRY_AFTER_SECONDS).render())
                .build();
    }
}
