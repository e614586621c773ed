package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.List;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.pagila.store.catalog.CatalogViews.ActorRef;
import org.pagila.store.catalog.CatalogViews.CategoryRef;
import org.pagila.store.catalog.CatalogViews.FilmDetails;
import org.pagila.store.catalog.CatalogViews.StoreStock;

/**
 * A film page as one row of the view film_page (V40): facts, language, categories, actors and copies per store,
 * so the page is a single round trip (the lists come as JSON from the database).
 */
@Entity
@Immutable
@Table(name = "film_page")
public class FilmPageRow extends PanacheEntityBase {
    @Id
    @Column(name = "film_id")
    public Integer id;

    public String title;
    public String description;
    @Column(name = "release_year")
    public Integer releaseYear;
    public Integer length;
    public String rating;
    @Column(name = "special_features")
    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<String> specialFeatures;
    @Column(name = "rental_rate")
    public BigDecimal rentalRate;
    @Column(name = "rental_duration")
    public Integer rentalDuration;
    @Column(name = "replacement_cost")
    public BigDecimal replacementCost;
    public String language;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<CategoryRef> categories;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<ActorRef> actors;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<StoreStock> availability;

    FilmDetails details() {
        return new FilmDetails(id, title, description, releaseYear, length, rating,
                specialFeatures == null ? List.of() : List.copyOf(specialFeatures), rentalRate, rentalDuration,
                replacementCost, language, categories, actors, availability == null ? List.of() : availability);
    }
}
