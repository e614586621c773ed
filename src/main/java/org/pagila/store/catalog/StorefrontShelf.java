package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import org.hibernate.annotations.Immutable;

/**
 * One place on a storefront shelf, precomputed in the materialized view storefront_shelf (V40): shelf 0 is "most
 * rented", shelves 1.. are the categories in name order with their film counts and favourites.
 */
@Entity
@Immutable
@Table(name = "storefront_shelf")
@IdClass(StorefrontShelf.Place.class)
public class StorefrontShelf extends PanacheEntityBase {
    public static final long MOST_RENTED = 0;

    @Id
    public long shelf;

    @Id
    public long place;

    /** null on the "most rented" shelf */
    public String category;

    @Column(name = "category_films")
    public long categoryFilms;

    /** null only on the empty shelf of a category without films */
    @Column(name = "film_id")
    public Integer filmId;

    public long rentals;

    public record Place(long shelf, long place) implements Serializable {
    }
}
