package org.pagila.store.catalog;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pagila.store.catalog.CatalogViews.ActorFilms;
import org.pagila.store.catalog.CatalogViews.CategoryCount;
import org.pagila.store.catalog.CatalogViews.FilmDetails;
import org.pagila.store.catalog.CatalogViews.SearchResults;
import org.pagila.store.web.Params;
import org.pagila.store.web.UserError;

/** The catalog as JSON, mirroring the pages: same filters, sort, paging and errors. */
@HttpCacheable
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "400", description = "A parameter is not what this address takes (the message names it)")
@APIResponse(responseCode = "503", description = "No database node can answer right now; Retry-After says when to try again")
@APIResponse(responseCode = "200", description = "OK")
public class CatalogApi {

    @Inject
    CatalogService catalog;

    /** A page of a list: its items, the total, and links to the neighbouring pages (absent at the ends). */
    public record ListPage<T>(List<T> items, long total, int page, int pageSize, int pages, Map<String, String> links) {
        static <T> ListPage<T> of(List<T> items, Paging paging) {
            Map<String, String> links = new LinkedHashMap<>();
            links.put("self", paging.self());
            links.put("first", paging.first());
            if (paging.prev() != null) {
                links.put("prev", paging.prev());
            }
            if (paging.next() != null) {
                links.put("next", paging.next());
            }
            links.put("last", paging.last());
            return new ListPage<>(items, paging.total(), paging.page(), paging.pageSize(), paging.pages(), links);
        }
    }

    @GET
    @Path("films")
    public ListPage<FilmCard> films(@Context UriInfo uri) {
        FilmQuery query = FilmQuery.from(uri.getQueryParameters(), catalog.vocabulary());
        var films = catalog.films(query, page -> "/api/films" + query.queryString(page, true));
        return ListPage.of(films.items(), films.paging());
    }

    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("films/{id}")
    public FilmDetails film(@PathParam("id") String id) {
        return catalog.film(UserError.parseId(id, "film"));
    }

    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("actors/{id}")
    public ActorFilms actor(@PathParam("id") String id) {
        return catalog.actor(UserError.parseId(id, "actor"));
    }

    @GET
    @Path("categories")
    public List<CategoryCount> categories() {
        return catalog.categories();
    }

    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("categories/{name}")
    public ListPage<FilmCard> category(@PathParam("name") String name, @Context UriInfo uri) {
        FilmQuery.Vocabulary vocabulary = catalog.vocabulary();
        String category = CatalogPages.knownCategory(name, vocabulary);
        FilmQuery query = FilmQuery.from(uri.getQueryParameters(), vocabulary).inCategory(category);
        String base = "/api" + new CatalogViews.CategoryRef(category).href();
        var films = catalog.films(query, page -> base + query.queryString(page, false));
        return ListPage.of(films.items(), films.paging());
    }

    /** An empty q answers an empty list, as the search page answers with just the search box. */
    @GET
    @Path("search")
    public ListPage<FilmCard> search(@QueryParam("q") String q, @QueryParam("page") String page) {
        int pageNumber = Params.page(page);
        String terms = CatalogPages.searchTerms(q);
        if (terms.isEmpty()) {
            return ListPage.of(List.of(), Paging.of(pageNumber, 0, p -> CatalogPages.searchHref("/api/search", "", p)));
        }
        SearchResults results = catalog.search(terms, pageNumber, p -> CatalogPages.searchHref("/api/search", terms, p));
        return ListPage.of(results.items(), results.paging());
    }
}
