package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.Table;
import java.util.Set;
import org.hibernate.annotations.Immutable;

/** A genre (Action, Horror, ...); customers browse by its name. */
@Entity
@Immutable
@Table(name = "category")
public class Category extends PanacheEntityBase {
    @Id
    @Column(name = "category_id")
    public Integer id;

    public String name;

    /** The other side of Film.categories, for counting a category's films over film_category alone. */
    @ManyToMany(mappedBy = "categories")
    Set<Film> films;
}
