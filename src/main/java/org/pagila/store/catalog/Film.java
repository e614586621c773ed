package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import org.hibernate.annotations.Immutable;

/** A film as customers browse it. Read model: mapped on the standby persistence unit, never written. */
@Entity
@Immutable
@Table(name = "film")
public class Film extends PanacheEntityBase {
    @Id
    @Column(name = "film_id")
    public Integer id;

    public String title;

    public String description;

    @Column(name = "release_year")
    public Integer releaseYear;

    @Column(name = "rental_rate")
    public BigDecimal rentalRate;

    public Integer length;

    /** Pagila's mpaa_rating enum, read as its text. */
    @Column(columnDefinition = "mpaa_rating")
    public String rating;
}
