package org.pagila.store.counter;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.pagila.store.cluster.ReadYourWrites;
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

    /**
     * Call after each committed write of this staff member. The write is already committed, so a primary that
     * vanishes right now must not turn the answer into an error: the next reads just may not see it at once.
     */
    public void wrote() {
        try {
            readYourWrites.wrote(get().username());
        } catch (SQLException | RuntimeException e) {
            org.jboss.logging.Logger.getLogger(CurrentStaff.class).warnf("Could not note %s's write position: %s",
                    get().username(), e.getMessage());
        }
    }
}
