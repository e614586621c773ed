package org.pagila.store.rental;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.security.jpa.Password;
import io.quarkus.security.jpa.PasswordType;
import io.quarkus.security.jpa.Roles;
import io.quarkus.security.jpa.UserDefinition;
import io.quarkus.security.jpa.Username;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Optional;
import org.hibernate.annotations.Immutable;

/**
 * Who may sign in at the counter: active Pagila staff with a bcrypt credential (view staff_login). Read from the
 * primary, through the write model's persistence unit, so a password reset counts at once.
 */
@Entity
@Immutable
@Table(name = "staff_login")
@UserDefinition
public class StaffLogin extends PanacheEntityBase {
    public static final String ROLE = "staff";

    @Id
    @Column(name = "staff_id")
    public Integer staffId;

    @Username
    public String username;

    @Password(PasswordType.MCF)
    @Column(name = "password_hash")
    public String passwordHash;

    @Roles
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
