package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/** An actor, as credited on film pages. */
@Entity
@Immutable
@Table(name = "actor")
public class Actor extends PanacheEntityBase {
    @Id
    @Column(name = "actor_id")
    public Integer id;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "last_name")
    public String lastName;

    public String name() {
        return firstName + " " + lastName;
    }
}
