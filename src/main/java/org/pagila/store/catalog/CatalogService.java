package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.PersistenceUnit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.persistence.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.pagila.store.catalog.CatalogViews.ActorFilms;
import org.pagila.store.catalog.CatalogViews.ActorRef;
import org.pagila.store.catalog.CatalogViews.CategoryCount;
import org.pagila.store.catalog.CatalogViews.CategoryRef;
import org.pagila.store.catalog.CatalogViews.CategoryShelf;
import org.pagila.store.catalog.CatalogViews.FilmDetails;
import org.pagila.store.catalog.CatalogViews.FilmPage;
import org.pagila.store.catalog.CatalogViews.SearchResults;
import org.pagila.store.catalog.CatalogViews.StoreStock;
import org.pagila.store.catalog.CatalogViews.Storefront;
import org.pagila.store.web.UserError;

/**
 * Every catalog read, on the standby persistence unit. Each method runs a small, fixed number of queries
 * (never one per film): lists are one page query plus one count, a film page is one fetch-joined query plus
 * one stock query.
 */
@ApplicationScoped
public class CatalogService {
    public static final int MAX_QUERY_LENGTH = 200;
    private static final int MOST_RENTED = 8;
    private static final int PER_SHELF = 4;

    @Inject
    @PersistenceUnit("standby")
    EntityManager em;

    public FilmQuery.Vocabulary vocabulary() {
        List<String> categories = new ArrayList<>();
        List<String> languages = new ArrayList<>();
        for (Tuple row : tuples(em.createNativeQuery(
                "SELECT 'category', name FROM category UNION ALL SELECT 'language', trim(name) FROM language ORDER BY 1, 2",
                Tuple.class))) {
            ("category".equals(row.get(0)) ? categories : languages).add((String) row.get(1));
        }
        return new FilmQuery.Vocabulary(categories, languages);
    }

    public List<CategoryCount> categories() {
        return tuples(em.createNativeQuery("""
                SELECT c.name, count(fc.film_id) FROM category c
                LEFT JOIN film_category fc ON fc.category_id = c.category_id
                GROUP BY c.category_id, c.name ORDER BY c.name""", Tuple.class)).stream()
                .map(row -> new CategoryCount((String) row.get(0), ((Number) row.get(1)).longValue())).toList();
    }

    /** One page of films matching the filters, in the requested order. */
    public FilmPage films(FilmQuery query, IntFunction<String> hrefOfPage) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(query, params);
        String popularity = query.sort() == FilmQuery.Sort.POPULARITY
                ? " LEFT JOIN film_popularity p ON p.film_id = f.film_id" : "";
        String rentals = popularity.isEmpty() ? "0" : "coalesce(p.rentals, 0)";
        Query page = em.createNativeQuery("SELECT " + FilmCard.COLUMNS + ", " + rentals + " AS rentals FROM film f"
                + popularity + where + " ORDER BY " + query.sort().orderBy + ", f.film_id LIMIT :limit OFFSET :offset",
                Tuple.class);
        Query count = em.createNativeQuery("SELECT count(*) FROM film f" + where);
        params.forEach((name, value) -> {
            page.setParameter(name, value);
            count.setParameter(name, value);
        });
        page.setParameter("limit", Paging.PAGE_SIZE).setParameter("offset", (query.page() - 1) * Paging.PAGE_SIZE);
        List<FilmCard> items = cards(page);
        long total = ((Number) count.getSingleResult()).longValue();
        return new FilmPage(items, Paging.of(query.page(), total, hrefOfPage));
    }

    private static String where(FilmQuery query, Map<String, Object> params) {
        List<String> conditions = new ArrayList<>();
        if (query.category() != null) {
            conditions.add("EXISTS (SELECT 1 FROM film_category fc JOIN category c ON c.category_id = fc.category_id"
                    + " WHERE fc.film_id = f.film_id AND c.name = :category)");
            params.put("category", query.category());
        }
        if (query.rating() != null) {
            conditions.add("f.rating = CAST(:rating AS mpaa_rating)");
            params.put("rating", query.rating());
        }
        if (query.language() != null) {
            conditions.add("f.language_id IN (SELECT l.language_id FROM language l WHERE trim(l.name) = :language)");
            params.put("language", query.language());
        }
        if (query.minLength() != null) {
            conditions.add("f.length >= :minLength");
            params.put("minLength", query.minLength());
        }
        if (query.maxLength() != null) {
            conditions.add("f.length <= :maxLength");
            params.put("maxLength", query.maxLength());
        }
        if (query.minRate() != null) {
            conditions.add("f.rental_rate >= :minRate");
            params.put("minRate", query.minRate());
        }
        if (query.maxRate() != null) {
            conditions.add("f.rental_rate <= :maxRate");
            params.put("maxRate", query.maxRate());
        }
        if (query.feature() != null) {
            conditions.add("CAST(:feature AS text) = ANY (f.special_features)");
            params.put("feature", query.feature());
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** The film with its language, categories and actors in one query, and its stock per store in another. */
    public FilmDetails film(int id) {
        List<Film> found = em.createQuery("""
                SELECT DISTINCT f FROM Film f JOIN FETCH f.language
                LEFT JOIN FETCH f.categories LEFT JOIN FETCH f.actors WHERE f.id = :id""", Film.class)
                .setParameter("id", id).getResultList();
        if (found.isEmpty()) {
            throw UserError.notFound("There is no film number " + id + " in the catalog.").withLink("/films", "Browse all films");
        }
        Film film = found.get(0);
        List<StoreStock> stock = tuples(em.createNativeQuery("""
                SELECT s.store_id, a.address, ci.city, count(i.inventory_id) AS owned,
                       count(i.inventory_id) FILTER (WHERE NOT EXISTS (
                           SELECT 1 FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL)) AS in_stock
                FROM store s
                JOIN address a ON a.address_id = s.address_id
                JOIN city ci ON ci.city_id = a.city_id
                LEFT JOIN inventory i ON i.store_id = s.store_id AND i.film_id = :id
                GROUP BY s.store_id, a.address, ci.city ORDER BY s.store_id""", Tuple.class).setParameter("id", id))
                .stream().map(row -> new StoreStock(((Number) row.get(0)).intValue(), (String) row.get(1), (String) row.get(2),
                        ((Number) row.get(3)).longValue(), ((Number) row.get(4)).longValue())).toList();
        return new FilmDetails(film.id, film.title, film.description, film.releaseYear, film.length, film.rating,
                film.specialFeatures == null ? List.of() : List.copyOf(film.specialFeatures), film.rentalRate,
                film.rentalDuration, film.replacementCost, film.language.displayName(),
                film.categories.stream().map(c -> new CategoryRef(c.name)).sorted(Comparator.comparing(CategoryRef::name)).toList(),
                film.actors.stream().map(a -> new ActorRef(a.id, a.name()))
                        .sorted(Comparator.comparing(ActorRef::name)).toList(),
                stock);
    }

    public ActorFilms actor(int id) {
        Actor actor = em.find(Actor.class, id);
        if (actor == null) {
            throw UserError.notFound("There is no actor number " + id + " in the catalog.").withLink("/films", "Browse all films");
        }
        List<FilmCard> films = cards(em.createNativeQuery("SELECT " + FilmCard.COLUMNS + ", 0 AS rentals FROM film f"
                + " JOIN film_actor fa ON fa.film_id = f.film_id WHERE fa.actor_id = :id ORDER BY f.title", Tuple.class)
                .setParameter("id", id));
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
        List<Tuple> rows = tuples(em.createNativeQuery("""
                WITH text_hits AS (
                    SELECT f.film_id, ts_rank(f.fulltext, q.tsq) AS rank
                    FROM film f, websearch_to_tsquery('english', :q) AS q(tsq)
                    WHERE f.fulltext @@ q.tsq),
                title_hits AS (SELECT film_id, similarity FROM film_title_matches(:q)),
                hits AS (
                    SELECT film_id, coalesce(t.rank, 0) + coalesce(s.similarity, 0) AS score, t.film_id IS NOT NULL AS text_match
                    FROM text_hits t FULL JOIN title_hits s USING (film_id))
                SELECT %s, 0 AS rentals, h.text_match, count(*) OVER () AS total
                FROM hits h JOIN film f ON f.film_id = h.film_id
                ORDER BY h.score DESC, f.title
                LIMIT :limit OFFSET :offset""".formatted(FilmCard.COLUMNS), Tuple.class)
                .setParameter("q", terms).setParameter("limit", Paging.PAGE_SIZE)
                .setParameter("offset", (pageNumber - 1) * Paging.PAGE_SIZE));
        long total = rows.isEmpty() ? countSearchHits(terms) : ((Number) rows.get(0).get(9)).longValue();
        boolean closestTitles = !rows.isEmpty() && rows.stream().noneMatch(row -> (Boolean) row.get(8));
        List<FilmCard> items = rows.stream().map(row -> FilmCard.of(row, 0)).toList();
        return new SearchResults(terms, items, Paging.of(pageNumber, total, hrefOfPage), closestTitles);
    }

    /** Only asked when a page is past the end (or nothing matched), to say how many results there are. */
    private long countSearchHits(String terms) {
        return ((Number) em.createNativeQuery("""
                SELECT count(*) FROM (
                    SELECT f.film_id FROM film f WHERE f.fulltext @@ websearch_to_tsquery('english', :q)
                    UNION SELECT film_id FROM film_title_matches(:q)) hits""")
                .setParameter("q", terms).getSingleResult()).longValue();
    }

    public Storefront storefront() {
        List<CategoryCount> categories = categories();
        List<FilmCard> mostRented = cards(em.createNativeQuery("SELECT " + FilmCard.COLUMNS + ", p.rentals FROM film_popularity p"
                + " JOIN film f ON f.film_id = p.film_id ORDER BY p.rentals DESC, f.title LIMIT :limit", Tuple.class)
                .setParameter("limit", MOST_RENTED));
        Map<String, List<FilmCard>> favourites = new LinkedHashMap<>();
        for (Tuple row : tuples(em.createNativeQuery("""
                SELECT %s, rentals, category FROM (
                    SELECT f.*, coalesce(p.rentals, 0) AS rentals, c.name AS category,
                           row_number() OVER (PARTITION BY c.category_id ORDER BY coalesce(p.rentals, 0) DESC, f.title) AS place
                    FROM category c
                    JOIN film_category fc ON fc.category_id = c.category_id
                    JOIN film f ON f.film_id = fc.film_id
                    LEFT JOIN film_popularity p ON p.film_id = f.film_id) f
                WHERE place <= :perShelf ORDER BY category, place""".formatted(FilmCard.COLUMNS), Tuple.class)
                .setParameter("perShelf", PER_SHELF))) {
            favourites.computeIfAbsent((String) row.get(8), name -> new ArrayList<>())
                    .add(FilmCard.of(row, ((Number) row.get(7)).longValue()));
        }
        List<CategoryShelf> shelves = categories.stream()
                .map(c -> new CategoryShelf(c, favourites.getOrDefault(c.name(), List.of()))).toList();
        return new Storefront(categories, mostRented, shelves);
    }

    private static List<FilmCard> cards(Query query) {
        return tuples(query).stream().map(row -> FilmCard.of(row, ((Number) row.get(7)).longValue())).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Tuple> tuples(Query query) {
        return query.getResultList();
    }
}
