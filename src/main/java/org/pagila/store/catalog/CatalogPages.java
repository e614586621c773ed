package org.pagila.store.catalog;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import org.pagila.store.web.HttpCacheable;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.pagila.store.catalog.CatalogViews.ActorFilms;
import org.pagila.store.catalog.CatalogViews.CategoryCount;
import org.pagila.store.catalog.CatalogViews.FilmDetails;
import org.pagila.store.catalog.CatalogViews.FilmPage;
import org.pagila.store.catalog.CatalogViews.SearchResults;
import org.pagila.store.web.Params;
import org.pagila.store.web.UserError;

/** The catalog in the browser: server-rendered pages that work without JavaScript. */
@HttpCacheable
@Path("/")
@Produces(MediaType.TEXT_HTML)
@APIResponse(responseCode = "400", description = "A parameter is not what this address takes (the message names it)")
@APIResponse(responseCode = "503", description = "No database node can answer right now; Retry-After says when to try again")
@APIResponse(responseCode = "200", description = "OK")
public class CatalogPages {

    @Inject
    CatalogService catalog;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance films(String heading, String formAction, FilmQuery query, FilmPage films,
                FilmQuery.Vocabulary vocabulary, List<FilmQuery.Sort> sorts, List<String> ratings, List<String> features,
                boolean categoryFixed);

        static native TemplateInstance film(FilmDetails film);

        static native TemplateInstance actor(ActorFilms actor);

        static native TemplateInstance categories(List<CategoryCount> categories);

        static native TemplateInstance search(SearchResults results);
    }

    @GET
    @Path("films")
    public TemplateInstance films(@Context UriInfo uri) {
        FilmQuery.Vocabulary vocabulary = catalog.vocabulary();
        FilmQuery query = FilmQuery.from(uri.getQueryParameters(), vocabulary);
        FilmPage films = catalog.films(query, page -> "/films" + query.queryString(page, true));
        return Templates.films(query.heading(), "/films", query, films, vocabulary, List.of(FilmQuery.Sort.values()),
                FilmQuery.RATINGS, FilmQuery.FEATURES, false);
    }

    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("films/{id}")
    public TemplateInstance film(@PathParam("id") String id) {
        return Templates.film(catalog.film(UserError.parseId(id, "film")));
    }

    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("actors/{id}")
    public TemplateInstance actor(@PathParam("id") String id) {
        return Templates.actor(catalog.actor(UserError.parseId(id, "actor")));
    }

    @GET
    @Path("categories")
    public TemplateInstance categories() {
        return Templates.categories(catalog.categories());
    }

    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("categories/{name}")
    public TemplateInstance category(@PathParam("name") String name, @Context UriInfo uri) {
        FilmQuery.Vocabulary vocabulary = catalog.vocabulary();
        String category = knownCategory(name, vocabulary);
        FilmQuery query = FilmQuery.from(uri.getQueryParameters(), vocabulary).inCategory(category);
        String base = new CatalogViews.CategoryRef(category).href();
        FilmPage films = catalog.films(query, page -> base + query.queryString(page, false));
        return Templates.films(category, base, query, films, vocabulary, List.of(FilmQuery.Sort.values()),
                FilmQuery.RATINGS, FilmQuery.FEATURES, true);
    }

    @GET
    @Path("search")
    public TemplateInstance search(@QueryParam("q") String q, @QueryParam("page") String page) {
        int pageNumber = Params.page(page);
        String terms = searchTerms(q);
        if (terms.isEmpty()) {
            return Templates.search(new SearchResults("", List.of(), null, false));
        }
        return Templates.search(catalog.search(terms, pageNumber, p -> searchHref("/search", terms, p)));
    }

    static String searchHref(String path, String terms, int page) {
        return path + "?q=" + URLEncoder.encode(terms, StandardCharsets.UTF_8) + (page == 1 ? "" : "&page=" + page);
    }

    /** The search box's text: checked before anything else sees it; empty when nothing was typed. Errors speak of "a search", not of "q", because a customer reads them. */
    static String searchTerms(String q) {
        try {
            return Params.text("A search", q, CatalogService.MAX_QUERY_LENGTH).orElse("");
        } catch (UserError e) {
            throw e.withLink("/search", "Start a new search");
        }
    }

    static String knownCategory(String name, FilmQuery.Vocabulary vocabulary) {
        String wanted = Params.text("category", name, 64).orElse("");
        return vocabulary.categories().stream().filter(c -> c.equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> UserError.notFound("There is no category '" + UserError.abbreviate(name) + "'.")
                        .withLink("/categories", "See all categories"));
    }
}
