package org.pagila.store.rental;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A rental as the counter records it. Write model: mapped on the default (primary) persistence unit. Only the
 * return date ever changes, and the store's role may update that column alone (UPDATE (return_date)): the other
 * columns are left out of Hibernate's UPDATE statement.
 */
@Entity
@Table(name = "rental")
public class Rental extends PanacheEntityBase {
    @Id
    @Column(name = "rental_id")
    // The column's own default (nextval of its serial sequence), returned by the INSERT: one round trip per row,
    // where a sequence generator with allocationSize 1 made it two (nextval, then the insert).
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Integer id;

    @Column(name = "rental_date", updatable = false)
    public OffsetDateTime rentalDate;

    @Column(name = "inventory_id", updatable = false)
    public Integer inventoryId;

    @Column(name = "customer_id", updatable = false)
    public Integer customerId;

    @Column(name = "return_date")
    public OffsetDateTime returnDate;

    @Column(name = "staff_id", updatable = false)
    public Integer staffId;
}
