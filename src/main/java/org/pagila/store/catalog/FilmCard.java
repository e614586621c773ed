package org.pagila.store.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.qute.TemplateData;
import java.math.BigDecimal;

/**
 * What a list of films shows of each film (lists, search results, the storefront). rentals is counted only where the
 * list is about it (the popularity sort, the storefront's most rented); elsewhere it is null and the JSON leaves it out,
 * rather than say 0 for a film rented 30 times.
 */
@TemplateData
public record FilmCard(int id, String title, String description, Integer releaseYear, String rating, Integer length,
        BigDecimal rentalRate, @JsonInclude(JsonInclude.Include.NON_NULL) Long rentals) {

    public String href() {
        return "/films/" + id;
    }
}
