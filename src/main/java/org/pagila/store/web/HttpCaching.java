package org.pagila.store.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * HTTP caching of the catalog ({@link HttpCacheable} resources): Cache-Control lets a browser or a shared cache keep a
 * page for {@value #MAX_AGE_SECONDS} s, and an ETag over the exact bytes lets it revalidate afterwards with
 * If-None-Match, answered 304 without a body. 10 s because the page shows live stock per store and the read-only
 * banner during a failover; the popularity counts on it are refreshed every 30 s anyway. The page is the same for
 * everyone (no staff identity on catalog pages), so "public". The ETag covers the footer's "served by" too, so a page
 * served by another node is a new representation: correct, merely less often a 304.
 */
public class HttpCaching {
    static final int MAX_AGE_SECONDS = 10;
    static final String CACHE_CONTROL = "public, max-age=" + MAX_AGE_SECONDS;

    @Inject
    ObjectMapper json;

    /** After Qute's filter (priority USER) turned a template into its text: response filters run highest first. */
    @ServerResponseFilter(priority = Priorities.HEADER_DECORATOR)
    public void cache(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource)
            throws JsonProcessingException {
        if (!HttpMethod.GET.equals(request.getMethod()) || response.getStatus() != 200 || resource.getResourceClass() == null
                || !resource.getResourceClass().isAnnotationPresent(HttpCacheable.class)) {
            return;
        }
        byte[] body = bytes(response);
        if (body == null) {
            return;
        }
        String etag = etag(body);
        response.getHeaders().putSingle(HttpHeaders.ETAG, etag);
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
        if (matches(request.getHeaderString(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatus(304);
            response.setEntity(null);
        } else {
            response.setEntity(body, response.getEntityAnnotations(), response.getMediaType());
        }
    }

    /** The body as it will be sent: rendered page text, or the JSON of an API answer; null for anything else. */
    private byte[] bytes(ContainerResponseContext response) throws JsonProcessingException {
        Object entity = response.getEntity();
        if (entity instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (entity != null && MediaType.APPLICATION_JSON_TYPE.isCompatible(response.getMediaType())) {
            return json.writeValueAsBytes(entity);
        }
        return null;
    }

    /** A strong validator of the exact bytes: CRC-32C and length (cheap; a wrong 304 needs a collision on one URL). */
    static String etag(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(body.length) + "\"";
    }

    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
