package org.pagila.store.counter;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.pagila.store.cluster.ReadYourWrites;
import org.pagila.store.staff.StaffIdentityProvider;
import org.pagila.store.staff.StaffLogin;
import org.pagila.store.rental.StaffMember;

/** The signed-in staff member of this request, and where their reads may go so that they see their own writes. */
@RequestScoped
public class CurrentStaff {
    @Inject
    SecurityIdentity identity;

    @Inject
    ReadYourWrites readYourWrites;

    private StaffMember member;

    public StaffMember get() {
        if (member == null) {
            // read with the credential on this very request (StaffIdentityProvider); the query is only for an identity
            // made some other way
            member = identity.getAttribute(StaffIdentityProvider.MEMBER);
        }
        if (member == null) {
            String username = identity.getPrincipal().getName();
            member = StaffLogin.byUsername(username)
                    .orElseThrow(() -> new ForbiddenException("No active staff member " + username));
        }
        return member;
    }

    /** A connection that sees everything this staff member wrote: a caught-up standby, else the primary. */
    public Connection readConnection() throws SQLException {
        return readYourWrites.connectionFor(get().username());
    }

    /** Call after each committed write of this staff member (the next read asks the primary where that write is). */
    public void wrote() {
        readYourWrites.wrote(get().username());
    }
}
