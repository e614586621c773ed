package org.pagila.store.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/** A film's spoken language. Pagila stores the name as char(20), so it is trimmed when read. */
@Entity
@Immutable
@Table(name = "language")
public class Language extends PanacheEntityBase {
    @Id
    @Column(name = "language_id")
    public Integer id;

    @Column(columnDefinition = "bpchar")
    public String name;

    public String displayName() {
        return name == null ? null : name.strip();
    }
}
