package org.pagila.store.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * HTTP caching of the catalog ({@link HttpCacheable} resources): Cache-Control lets a browser or a shared cache keep a
 * page for {@value #MAX_AGE_SECONDS} s, and an ETag over the exact bytes lets it revalidate afterwards with
 * If-None-Match, answered 304 without a body. 10 s because the page shows live stock per store and the read-only
 * banner during a failover; the popularity counts on it are refreshed every 30 s anyway. The page is the same for
 * everyone (no staff identity on catalog pages), so "public". The ETag covers the footer's "served by" too, so a page
 * served by another node is a new representation: correct, merely less often a 304.
 * <p>
 * The same bytes go into the store's own {@link PageCache}: a request for a kept page is answered from it before the
 * resource runs, marked X-Cache: hit, with its Age and without X-Served-By (no node served a read for it; the footer
 * inside still names the node that served the kept copy); a stale copy, sent while it is rendered again, is marked
 * X-Cache: stale. The request that renders a page holds a claim on it, which this filter settles whatever the answer,
 * so that requests waiting for the same page go on.
 */
public class HttpCaching {
    static final int MAX_AGE_SECONDS = 10;
    static final String CACHE_CONTROL = "public, max-age=" + MAX_AGE_SECONDS;
    static final String X_CACHE = "X-Cache";
    /** The request's claim on its page in the page cache, set when this request renders a page others may wait for. */
    private static final String CLAIM = HttpCaching.class.getName() + ".claim";

    @Inject
    ObjectMapper json;

    @Inject
    PageCache pages;

    @Inject
    PageRefresh refresh;

    /**
     * A kept answer, when there is one: then the resource does not run (no database read, no rendering). A stale one is
     * sent too, and the first request to find it stale has it rendered again in the background.
     */
    @ServerRequestFilter
    public Response fromPageCache(ContainerRequestContext request, ResourceInfo resource, RoutingContext http) {
        if (!pages.isOn() || !cacheable(request, resource)) {
            return null;
        }
        String pathAndQuery = request.getUriInfo().getRequestUri().getRawPath()
                + Optional.ofNullable(request.getUriInfo().getRequestUri().getRawQuery()).map(q -> "?" + q).orElse("");
        String key = pages.key(pathAndQuery);
        if (refresh.isRefresh(request)) {
            renderFor(pages.claimRefresh(key), request, http);
            return null;
        }
        PageCache.Lookup found = pages.find(key);
        if (found.kept().isEmpty()) {
            found.claim().ifPresent(claim -> renderFor(claim, request, http));
            return null;
        }
        if (found.refreshDue()) {
            refresh.refresh(key, pathAndQuery, http.request());
        }
        PageCache.Page page = found.kept().get();
        boolean notModified = matches(request.getHeaderString(HttpHeaders.IF_NONE_MATCH), page.etag());
        return (notModified ? Response.notModified() : Response.ok(page.body(), page.type()))
                .header(HttpHeaders.ETAG, page.etag()).header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                .header("Age", page.ageSeconds()).header(X_CACHE, found.stale() ? "stale" : "hit").build();
    }

    /** This request renders the page for claim: the response filter settles it (keeps the answer or passes). */
    private static void renderFor(PageCache.Claim claim, ContainerRequestContext request, RoutingContext http) {
        request.setProperty(CLAIM, claim);
        // a client that hung up ends the request without the response filters: the waiting requests go on,
        // also when it hung up before this handler was added (then the handlers ran without it)
        http.addEndHandler(ended -> claim.pass());
        if (http.response().closed()) {
            claim.pass();
        }
    }

    /** After Qute's filter (priority USER) turned a template into its text: response filters run highest first. */
    @ServerResponseFilter(priority = Priorities.HEADER_DECORATOR)
    public void cache(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource)
            throws JsonProcessingException {
        PageCache.Claim claim = (PageCache.Claim) request.getProperty(CLAIM);
        try {
            if (response.getStatus() != 200 || response.getHeaders().containsKey(X_CACHE) || !cacheable(request, resource)) {
                return;
            }
            byte[] body = bytes(response);
            if (body == null) {
                return;
            }
            String etag = etag(body);
            if (claim != null) {
                claim.keep(body, response.getMediaType(), etag);
            }
            response.getHeaders().putSingle(HttpHeaders.ETAG, etag);
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
            if (matches(request.getHeaderString(HttpHeaders.IF_NONE_MATCH), etag)) {
                response.setStatus(304);
                response.setEntity(null);
            } else {
                response.setEntity(body, response.getEntityAnnotations(), response.getMediaType());
            }
        } finally {
            if (claim != null) {
                claim.pass(); // whatever this answer was, the waiting requests go on (after keep: nothing to do)
            }
        }
    }

    private static boolean cacheable(ContainerRequestContext request, ResourceInfo resource) {
        return HttpMethod.GET.equals(request.getMethod()) && resource.getResourceClass() != null
                && resource.getResourceClass().isAnnotationPresent(HttpCacheable.class);
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
