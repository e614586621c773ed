package org.pagila.store.catalog;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The read models the catalog answers with: one shape for the HTML pages and the JSON API. */
public final class CatalogViews {
    private CatalogViews() {
    }

    /** A paged list of films: the items of one page and where that page sits. */
    public record FilmPage(List<FilmCard> items, Paging paging) {
    }

    public record CategoryRef(String name) {
        public String href() {
            return "/categories/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    public record CategoryCount(String name, long films) {
        public String href() {
            return new CategoryRef(name).href();
        }
    }

    public record ActorRef(int id, String name) {
        public String href() {
            return "/actors/" + id;
        }
    }

    /** Copies a store owns of a film, and how many of them are on the shelf now (no open rental). */
    public record StoreStock(int storeId, String address, String city, long owned, long inStock) {
    }

    public record FilmDetails(int id, String title, String description, Integer releaseYear, Integer length,
            String rating, List<String> specialFeatures, BigDecimal rentalRate, Integer rentalDuration,
            BigDecimal replacementCost, String language, List<CategoryRef> categories, List<ActorRef> actors,
            List<StoreStock> availability) {
        public long inStock() {
            return availability.stream().mapToLong(StoreStock::inStock).sum();
        }
    }

    public record ActorFilms(int id, String name, List<FilmCard> films) {
    }

    /** Search results; closestTitles when nothing matched the words and the films shown have similar titles. */
    public record SearchResults(String query, List<FilmCard> items, Paging paging, boolean closestTitles) {
    }

    /** The storefront: categories, the most rented films, and a few favourites of each category. */
    public record Storefront(List<CategoryCount> categories, List<FilmCard> mostRented, List<CategoryShelf> shelves) {
    }

    public record CategoryShelf(CategoryCount category, List<FilmCard> films) {
    }
}
