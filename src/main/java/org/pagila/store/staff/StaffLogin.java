package org.pagila.store.staff;

import org.pagila.store.rental.StaffMember;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Optional;
import org.hibernate.annotations.Immutable;

/**
 * Who may sign in at the counter: active Pagila staff with a bcrypt credential (view staff_login). Read through
 * the standby persistence unit, so staff can still sign in and look customers up while the primary is gone;
 * a password reset counts once it has replicated (milliseconds).
 */
@Entity
@Immutable
@Table(name = "staff_login")
public class StaffLogin extends PanacheEntityBase {
    public static final String ROLE = "staff";

    @Id
    @Column(name = "staff_id")
    public Integer staffId;

    public String username;

    @Column(name = "password_hash")
    public String passwordHash;

    public String role;

    @Column(name = "store_id")
    public Integer storeId;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "last_name")
    public String lastName;

    public static Optional<StaffMember> byUsername(String username) {
        return StaffLogin.<StaffLogin>find("username", username).firstResultOptional()
                .map(s -> new StaffMember(s.staffId, s.storeId, s.username, s.firstName + " " + s.lastName));
    }
}
