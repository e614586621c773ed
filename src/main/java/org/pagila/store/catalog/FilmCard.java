package org.pagila.store.catalog;

import io.quarkus.qute.TemplateData;
import jakarta.persistence.Tuple;
import java.math.BigDecimal;

/** What a list of films shows of each film (lists, search results, the storefront). */
@TemplateData
public record FilmCard(int id, String title, String description, Integer releaseYear, String rating, Integer length,
        BigDecimal rentalRate, long rentals) {

    /** The columns every list query selects, in this order, so one mapping serves them all. */
    static final String COLUMNS = "f.film_id, f.title, f.description, f.release_year, f.rating::text AS rating, "
            + "f.length, f.rental_rate";

    static FilmCard of(Tuple row, long rentals) {
        return new FilmCard(((Number) row.get(0)).intValue(), (String) row.get(1), (String) row.get(2),
                row.get(3) == null ? null : ((Number) row.get(3)).intValue(), (String) row.get(4),
                row.get(5) == null ? null : ((Number) row.get(5)).intValue(), (BigDecimal) row.get(6), rentals);
    }

    public String href() {
        return "/films/" + id;
    }
}
