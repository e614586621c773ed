package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

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

    @Column(name = "rental_duration")
    public Integer rentalDuration;

    @Column(name = "replacement_cost")
    public BigDecimal replacementCost;

    public Integer length;

    /** Pagila's mpaa_rating enum, read as its text. */
    @Column(columnDefinition = "mpaa_rating")
    public String rating;

    @Column(name = "special_features")
    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<String> specialFeatures;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "language_id")
    public Language language;

    @ManyToMany(fetch = FetchType.LAZY)
    @JoinTable(name = "film_category", joinColumns = @JoinColumn(name = "film_id"),
            inverseJoinColumns = @JoinColumn(name = "category_id"))
    public Set<Category> categories;

    @ManyToMany(fetch = FetchType.LAZY)
    @JoinTable(name = "film_actor", joinColumns = @JoinColumn(name = "film_id"),
            inverseJoinColumns = @JoinColumn(name = "actor_id"))
    public Set<Actor> actors;
}
