package org.pagila.store.catalog;

import java.math.BigDecimal;

/**
 * One row of a film list query: the card, plus what the query knows about the whole result in the same round trip
 * (the total, by a window count; for search whether the words matched the text or only a similar title).
 */
public record FilmHit(Integer id, String title, String description, Integer releaseYear, String rating, Integer length,
        BigDecimal rentalRate, Long rentals, Boolean textMatch, Long total) {

    static final String MAPPING = "FilmHit";

    /**
     * The HQL of a list query over Film f: the cards, the total (an HQL expression: a count subquery, or a window
     * count), and the rental counts only where the list is about them (the popularity sort joins FilmPopularity p;
     * elsewhere null: not known, not zero).
     */
    static String select(boolean withRentals, String total) {
        return "SELECT new org.pagila.store.catalog.FilmHit(f.id, f.title, f.description, f.releaseYear, f.rating, f.length,"
                + " f.rentalRate, " + (withRentals ? "coalesce(p.rentals, 0L)" : "cast(null as Long)") + ", true, " + total + ") FROM Film f"
                + (withRentals ? " LEFT JOIN FilmPopularity p ON p.filmId = f.id" : "");
    }

    FilmCard card() {
        return new FilmCard(id, title, description, releaseYear, rating, length, rentalRate, rentals);
    }
}
