package org.pagila.store.rental;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.hibernate.annotations.Immutable;

/** A payment taken at the counter (rental fee or late fee). payment is partitioned by month; see V22. */
@Entity
@Immutable // inserted, never updated: the store's role may only INSERT into payment
@Table(name = "payment")
public class Payment extends PanacheEntityBase {
    @Id
    @Column(name = "payment_id")
    // The column's own default (nextval of its serial sequence), returned by the INSERT: one round trip per row,
    // where a sequence generator with allocationSize 1 made it two (nextval, then the insert).
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Integer id;

    @Column(name = "customer_id")
    public Integer customerId;

    @Column(name = "staff_id")
    public Integer staffId;

    @Column(name = "rental_id")
    public Integer rentalId;

    public BigDecimal amount;

    @Column(name = "payment_date")
    public OffsetDateTime paymentDate;

    static Payment of(int customerId, StaffMember staff, int rentalId, BigDecimal amount, OffsetDateTime at) {
        Payment payment = new Payment();
        payment.customerId = customerId;
        payment.staffId = staff.staffId();
        payment.rentalId = rentalId;
        payment.amount = amount;
        payment.paymentDate = at;
        return payment;
    }
}
