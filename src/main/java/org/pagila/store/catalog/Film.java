package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.ColumnResult;
import jakarta.persistence.ConstructorResult;
import jakarta.persistence.NamedNativeQuery;
import jakarta.persistence.SqlResultSetMapping;
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

/**
 * A film as customers browse it. Read model: mapped on the standby persistence unit, never written. Full-text
 * search is the one read HQL cannot say, so it is a named native query here, mapped to {@link FilmHit} by column name.
 */
@Entity
@NamedNativeQuery(name = Film.SEARCH, resultSetMapping = FilmHit.MAPPING, query = """
        WITH text_hits AS (
            SELECT f.film_id, ts_rank(f.fulltext, q.tsq) AS rank
            FROM film f, websearch_to_tsquery('english', :q) AS q(tsq)
            WHERE f.fulltext @@ q.tsq),
        title_hits AS (SELECT film_id, similarity FROM film_title_matches(:q)),
        hits AS (
            SELECT film_id, coalesce(t.rank, 0) + coalesce(s.similarity, 0) AS score, t.film_id IS NOT NULL AS text_match
            FROM text_hits t FULL JOIN title_hits s USING (film_id))
        SELECT f.film_id, f.title, f.description, f.release_year::int AS release_year, f.rating::text AS rating,
               f.length::int AS length, f.rental_rate, NULL::bigint AS rentals, h.text_match, count(*) OVER () AS total
        FROM hits h JOIN film f ON f.film_id = h.film_id
        ORDER BY h.score DESC, f.title
        LIMIT :limit OFFSET :offset""")
@NamedNativeQuery(name = Film.SEARCH_COUNT, query = """
        SELECT count(*) FROM (
            SELECT f.film_id FROM film f WHERE f.fulltext @@ websearch_to_tsquery('english', :q)
            UNION SELECT film_id FROM film_title_matches(:q)) hits""")
@SqlResultSetMapping(name = FilmHit.MAPPING, classes = @ConstructorResult(targetClass = FilmHit.class, columns = {
        @ColumnResult(name = "film_id", type = Integer.class), @ColumnResult(name = "title", type = String.class),
        @ColumnResult(name = "description", type = String.class), @ColumnResult(name = "release_year", type = Integer.class),
        @ColumnResult(name = "rating", type = String.class), @ColumnResult(name = "length", type = Integer.class),
        @ColumnResult(name = "rental_rate", type = BigDecimal.class), @ColumnResult(name = "rentals", type = Long.class),
        @ColumnResult(name = "text_match", type = Boolean.class), @ColumnResult(name = "total", type = Long.class)}))
@Immutable
@Table(name = "film")
public class Film extends PanacheEntityBase {
    static final String SEARCH = "Film.search";
    static final String SEARCH_COUNT = "Film.searchCount";

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
