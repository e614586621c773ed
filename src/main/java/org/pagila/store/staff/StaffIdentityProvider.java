package org.pagila.store.staff;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Checks a staff member's username and password against the bcrypt hash in the staff_login view. It reads from
 * the standby pool: signing in must keep working while the primary is gone (rentals pause, lookups go on).
 */
@ApplicationScoped
public class StaffIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    @Inject
    @DataSource("standby")
    AgroalDataSource standbys;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> verify(request.getUsername(), request.getPassword().getPassword()));
    }

    private SecurityIdentity verify(String username, char[] password) {
        return lookUp(username, (hash) -> BCrypt.verifyer().verify(password, hash).verified);
    }

    /** The staff member, if the check on their hash passes; the same lookup serves a signed-in session's cookie. */
    SecurityIdentity lookUp(String username, java.util.function.Predicate<String> hashCheck) {
        try (Connection c = standbys.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT username, password_hash, role FROM staff_login WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || !hashCheck.test(rs.getString(2))) {
                    throw new AuthenticationFailedException("Wrong username or password");
                }
                return QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(rs.getString(1)))
                        .addRole(rs.getString(3))
                        .build();
            }
        } catch (SQLException e) {
            throw new AuthenticationFailedException("Staff sign-in is unavailable: " + e.getMessage(), e);
        }
    }

    /** Form sign-in keeps the identity in an encrypted cookie; each request re-reads the staff member (still active?). */
    @ApplicationScoped
    public static class SignedInSession implements IdentityProvider<TrustedAuthenticationRequest> {
        @Inject
        StaffIdentityProvider staff;

        @Override
        public Class<TrustedAuthenticationRequest> getRequestType() {
            return TrustedAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
            return context.runBlocking(() -> staff.lookUp(request.getPrincipal(), hash -> true));
        }
    }
}
