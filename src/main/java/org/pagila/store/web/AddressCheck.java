package org.pagila.store.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * An address that is not a valid URI (a "%" without two hexadecimal digits after it, as in {@code /search?q=100%},
 * or a character that must be percent-encoded) gets a 400 that says what is wrong, a page in the browser and JSON
 * under /api, like every other refusal. Vert.x's own check answered a bare 400 with no body before any route ran;
 * {@link PagilaStoreMain} turns that check off ({@code vertx.disableURIValidation}) so that this one, the first of
 * the main router's routes, answers instead. It must stay first: past it, Vert.x's path normalization and RESTEasy's
 * query decoding fail on such an address (a 500, or a bare 400).
 */
@ApplicationScoped
public class AddressCheck {
    /** The headers every page of the store carries (application.properties): this answer comes before they are added. */
    @ConfigProperty(name = "quarkus.http.header.\"Content-Security-Policy\".value")
    String contentSecurityPolicy;

    @ConfigProperty(name = "quarkus.http.header.\"X-Content-Type-Options\".value")
    String contentTypeOptions;

    @ConfigProperty(name = "quarkus.http.header.\"X-Frame-Options\".value")
    String frameOptions;

    @Inject
    ObjectMapper json;

    /**
     * The main router's first route, ahead of Quarkus' own (its filters come after some routes with paths, whose
     * matching already normalizes the path or decodes the query and so failed on such an address with a bare 400).
     */
    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext rc) {
        Optional<String> problem = problem(rc.request().uri());
        if (problem.isEmpty()) {
            rc.next();
            return;
        }
        String path = pathOf(rc.request().uri());
        boolean wantsJson = ErrorPages.wantsJson(path, accepted(rc.request().getHeader(HttpHeaders.ACCEPT)));
        Response page = ErrorPages.respond(Status.BAD_REQUEST, problem.get(), null, wantsJson);
        rc.response().setStatusCode(400)
                .putHeader(HttpHeaders.CONTENT_TYPE, page.getMediaType().toString())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("Content-Security-Policy", contentSecurityPolicy)
                .putHeader("X-Content-Type-Options", contentTypeOptions)
                .putHeader("X-Frame-Options", frameOptions)
                .end(render(page.getEntity()));
    }

    /** What is wrong with a request's address (path and query as sent), or empty when it is a valid URI. */
    static Optional<String> problem(String uri) {
        if (uri == null) {
            return Optional.of("The request has no address.");
        }
        try {
            new URI(uri);
            return Optional.empty();
        } catch (URISyntaxException e) {
            int percent = brokenEscape(uri);
            if (percent >= 0) {
                return Optional.of("The address has a \"%\" that is not followed by two hexadecimal digits (character "
                        + (percent + 1) + "), so it cannot be read. In an address a percent sign is written %25; the"
                        + " search box does that for you.");
            }
            int at = Math.max(0, Math.min(e.getIndex(), uri.length() - 1));
            return Optional.of("The address has a character that must be percent-encoded (character " + (at + 1)
                    + ", \"" + printable(uri.codePointAt(at)) + "\"). Type the address again, or use the store's links"
                    + " and search box.");
        }
    }

    /** The index of the first "%" not followed by two hexadecimal digits, or -1. */
    static int brokenEscape(String uri) {
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
                return i;
            }
        }
        return -1;
    }

    private static String printable(int codePoint) {
        return Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)
                ? String.format("U+%04X", codePoint) : new String(Character.toChars(codePoint));
    }

    private static String pathOf(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** The first media type the client accepts, as ErrorPages weighs it; none when the header says nothing usable. */
    private static List<MediaType> accepted(String accept) {
        if (accept == null || accept.isBlank()) {
            return List.of();
        }
        try {
            return List.of(MediaType.valueOf(accept.split(",")[0].strip()));
        } catch (IllegalArgumentException unreadable) {
            return List.of();
        }
    }

    /** The error page (its template needs a request context: the banner and footer read request-scoped beans) or JSON. */
    private String render(Object entity) {
        if (!(entity instanceof TemplateInstance template)) {
            try {
                return json.writeValueAsString(entity);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        var context = Arc.container().requestContext();
        boolean activated = !context.isActive();
        if (activated) {
            context.activate();
        }
        try {
            return template.render();
        } finally {
            if (activated) {
                context.terminate();
            }
        }
    }
}
