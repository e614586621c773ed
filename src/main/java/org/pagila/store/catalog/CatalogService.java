package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.PersistenceUnit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.pagila.store.catalog.CatalogViews.ActorFilms;
import org.pagila.store.catalog.CatalogViews.CategoryCount;
import org.pagila.store.catalog.CatalogViews.CategoryShelf;
import org.pagila.store.catalog.CatalogViews.FilmDetails;
import org.pagila.store.catalog.CatalogViews.FilmPage;
import org.pagila.store.catalog.CatalogViews.SearchResults;
import org.pagila.store.catalog.CatalogViews.Storefront;
import org.pagila.store.cluster.RetryLostReadConnection;
import org.pagila.store.web.UserError;

/**
 * Every catalog read, on the standby persistence unit, in one style: HQL (or Panache) into records, and one named
 * native query for full-text search. Each page is one round trip in the common case: a film list carries its total in
 * a count subquery, an actor's films and search results in a window count (a second query only for a page past the
 * end), a film page is one row of the film_page view, the
 * storefront is the precomputed storefront_shelf rows. The filter vocabulary (categories, languages) is reference
 * data that changes with a schema migration, not with traffic, so it is kept in memory for a minute.
 */
@ApplicationScoped
@RetryLostReadConnection
public class CatalogService {
    public static final int MAX_QUERY_LENGTH = 200;
    private static final Duration VOCABULARY_TTL = Duration.ofMinutes(1);

    @Inject
    @PersistenceUnit("standby")
    EntityManager em;

    private volatile FilmQuery.Vocabulary vocabulary;
    private volatile long vocabularyLoadedAt;

    public FilmQuery.Vocabulary vocabulary() {
        FilmQuery.Vocabulary known = vocabulary;
        if (known == null || System.nanoTime() - vocabularyLoadedAt > VOCABULARY_TTL.toNanos()) {
            known = new FilmQuery.Vocabulary(
                    em.createQuery("SELECT c.name FROM Category c ORDER BY c.name", String.class).getResultList(),
                    em.createQuery("SELECT trim(l.name) FROM Language l ORDER BY trim(l.name)", String.class).getResultList());
            vocabulary = known;
            vocabularyLoadedAt = System.nanoTime();
        }
        return known;
    }

    /** Counted over film_category per category (size): a join ON MEMBER OF paired every category with every film. */
    public List<CategoryCount> categories() {
        return em.createQuery("""
                SELECT new org.pagila.store.catalog.CatalogViews$CategoryCount(c.name, size(c.films))
                FROM Category c ORDER BY c.name""", CategoryCount.class).getResultList();
    }

    /**
     * One page of films matching the filters, in the requested order, with the total in the same round trip: an
     * uncorrelated count subquery, which PostgreSQL runs once beside the page. (A window count over the result, as
     * before, made the database read and keep every matching film before it could sort and cut the page; the title
     * order can now stop after one page of the title index.)
     */
    public FilmPage films(FilmQuery query, IntFunction<String> hrefOfPage) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(query, params, "f");
        String total = "(SELECT count(*) FROM Film t" + where(query, params, "t") + ")";
        TypedQuery<FilmHit> page = em.createQuery(FilmHit.select(query.sort() == FilmQuery.Sort.POPULARITY, total) + where
                + " ORDER BY " + query.sort().orderBy + ", f.id", FilmHit.class);
        params.forEach(page::setParameter);
        List<FilmHit> hits = page.setFirstResult((query.page() - 1) * Paging.PAGE_SIZE).setMaxResults(Paging.PAGE_SIZE)
                .getResultList();
        long count;
        if (!hits.isEmpty()) {
            count = hits.get(0).total();
        } else {
            TypedQuery<Long> counted = em.createQuery("SELECT count(f) FROM Film f" + where, Long.class);
            params.forEach(counted::setParameter);
            count = counted.getSingleResult();
        }
        return new FilmPage(hits.stream().map(FilmHit::card).toList(), Paging.of(query.page(), count, hrefOfPage));
    }

    /** The filters as an HQL WHERE clause over the Film alias f (the same parameters for any alias). */
    private static String where(FilmQuery query, Map<String, Object> params, String f) {
        List<String> conditions = new ArrayList<>();
        if (query.category() != null) {
            conditions.add("EXISTS (SELECT 1 FROM " + f + ".categories c WHERE c.name = :category)");
            params.put("category", query.category());
        }
        if (query.rating() != null) {
            // rating is Pagila's enum mpaa_rating: compare its text, the parameter is a string
            conditions.add("cast(" + f + ".rating AS String) = :rating");
            params.put("rating", query.rating());
        }
        if (query.language() != null) {
            conditions.add("trim(" + f + ".language.name) = :language");
            params.put("language", query.language());
        }
        if (query.minLength() != null) {
            conditions.add(f + ".length >= :minLength");
            params.put("minLength", query.minLength());
        }
        if (query.maxLength() != null) {
            conditions.add(f + ".length <= :maxLength");
            params.put("maxLength", query.maxLength());
        }
        if (query.minRate() != null) {
            conditions.add(f + ".rentalRate >= :minRate");
            params.put("minRate", query.minRate());
        }
        if (query.maxRate() != null) {
            conditions.add(f + ".rentalRate <= :maxRate");
            params.put("maxRate", query.maxRate());
        }
        if (query.feature() != null) {
            // array_position, not array_contains: PostgreSQL has no text[] @> varchar[] (the parameter is a varchar);
            // HQL's array_position answers 0 when the element is absent
            conditions.add("array_position(" + f + ".specialFeatures, :feature) > 0");
            params.put("feature", query.feature());
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** The film page: one row of the film_page view (facts, language, categories, actors, stock per store). */
    public FilmDetails film(int id) {
        return FilmPageRow.<FilmPageRow>findByIdOptional(id).map(FilmPageRow::details)
                .orElseThrow(() -> UserError.notFound("There is no film number " + id + " in the catalog.")
                        .withLink("/films", "Browse all films"));
    }

    public ActorFilms actor(int id) {
        Actor actor = Actor.findById(id);
        if (actor == null) {
            throw UserError.notFound("There is no actor number " + id + " in the catalog.").withLink("/films", "Browse all films");
        }
        List<FilmCard> films = em.createQuery(FilmHit.select(false, "count(*) OVER ()") + " WHERE EXISTS (SELECT 1 FROM f.actors a WHERE a.id = :id) ORDER BY f.title", FilmHit.class)
                .setParameter("id", id).getResultList().stream().map(FilmHit::card).toList();
        return new ActorFilms(actor.id, actor.name(), films);
    }

    /**
     * Full-text search over title and description (Pagila's fulltext column, English stemming, web-search syntax:
     * several words, "a phrase", -excluded), ranked; titles similar to the words (trigrams) catch misspellings and
     * rank title matches first.
     */
    public SearchResults search(String q, int pageNumber, IntFunction<String> hrefOfPage) {
        String terms = q.strip();
        if (terms.length() > MAX_QUERY_LENGTH) {
            throw UserError.badRequest("A search is at most " + MAX_QUERY_LENGTH + " characters; this one has "
                    + terms.length() + ".").withLink("/search", "Start a new search");
        }
        List<FilmHit> hits = em.createNamedQuery(Film.SEARCH, FilmHit.class).setParameter("q", terms)
                .setParameter("limit", Paging.PAGE_SIZE).setParameter("offset", (pageNumber - 1) * Paging.PAGE_SIZE)
                .getResultList();
        // Only asked when a page is past the end (or nothing matched), to say how many results there are.
        long total = hits.isEmpty()
                ? ((Number) em.createNamedQuery(Film.SEARCH_COUNT).setParameter("q", terms).getSingleResult()).longValue()
                : hits.get(0).total();
        boolean closestTitles = !hits.isEmpty() && hits.stream().noneMatch(FilmHit::textMatch);
        return new SearchResults(terms, hits.stream().map(FilmHit::card).toList(), Paging.of(pageNumber, total, hrefOfPage),
                closestTitles);
    }

    /** The storefront from the precomputed shelves: one query whose cost does not depend on the rental history. */
    public Storefront storefront() {
        List<ShelfPlace> places = em.createQuery("""
                SELECT new org.pagila.store.catalog.CatalogService$ShelfPlace(s.shelf, s.category, s.categoryFilms,
                       f.id, f.title, f.description, f.releaseYear, f.rating, f.length, f.rentalRate, s.rentals)
                FROM StorefrontShelf s LEFT JOIN Film f ON f.id = s.filmId
                ORDER BY s.shelf, s.place""", ShelfPlace.class).getResultList();
        List<FilmCard> mostRented = new ArrayList<>();
        Map<String, CategoryShelf> shelves = new LinkedHashMap<>();
        for (ShelfPlace place : places) {
            if (place.shelf() == StorefrontShelf.MOST_RENTED) {
                mostRented.add(place.card());
                continue;
            }
            CategoryShelf shelf = shelves.computeIfAbsent(place.category(), name ->
                    new CategoryShelf(new CategoryCount(name, place.categoryFilms()), new ArrayList<>()));
            if (place.filmId() != null) {
                shelf.films().add(place.card());
            }
        }
        List<CategoryCount> categories = shelves.values().stream().map(CategoryShelf::category).toList();
        return new Storefront(categories, mostRented, List.copyOf(shelves.values()));
    }

    /** A row of storefront_shelf with its film's card (filmId is null only on the empty shelf of a category). */
    public record ShelfPlace(long shelf, String category, long categoryFilms, Integer filmId, String title,
            String description, Integer releaseYear, String rating, Integer length, BigDecimal rentalRate, long rentals) {
        FilmCard card() {
            return new FilmCard(filmId, title, description, releaseYear, rating, length, rentalRate, rentals);
        }
    }
}
