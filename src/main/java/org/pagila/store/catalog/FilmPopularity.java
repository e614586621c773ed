package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/**
 * How often a film has been rented: one row per film in film_popularity, kept on the primary on a schedule by
 * draining the rentals added, moved or deleted since the last time (V52; a materialized view recounting everything
 * before, V40), so sorting by popularity never counts the rental history per request, and keeping it never does.
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
