package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/**
 * How often a film has been rented: one row per film in the materialized view film_popularity (V40), refreshed on
 * the primary on a schedule, so sorting by popularity never counts the rental history per request.
 */
@Entity
@Immutable
@Table(name = "film_popularity")
public class FilmPopularity extends PanacheEntityBase {
    @Id
    @Column(name = "film_id")
    public Integer filmId;

    public long rentals;
}
