package org.pagila.store.catalog;

import io.quarkus.qute.TemplateData;
import java.math.BigDecimal;

/** What a list of films shows of each film (lists, search results, the storefront). */
@TemplateData
public record FilmCard(int id, String title, String description, Integer releaseYear, String rating, Integer length,
        BigDecimal rentalRate, long rentals) {

    public String href() {
        return "/films/" + id;
    }
}
