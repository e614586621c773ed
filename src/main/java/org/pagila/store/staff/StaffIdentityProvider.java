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
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.store.rental.StaffMember;
import org.jboss.logging.Logger;

/**
 * Checks a staff member's username and password against the bcrypt hash in the staff_login view. It reads from
 * the standby pool: signing in must keep working while the primary is gone (rentals pause, lookups go on).
 *
 * Every failed check costs the same bcrypt as a real one (unknown usernames and over-long passwords are checked
 * against a dummy hash), so neither the time nor the answer tells whether a username exists; throttled clients
 * are refused before any bcrypt; a recent success is remembered (CredentialCache) so API clients do not pay
 * bcrypt per request.
 */
@ApplicationScoped
public class StaffIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    private static final Logger LOG = Logger.getLogger(StaffIdentityProvider.class);
    /** bcrypt reads at most 72 bytes; the library refuses more. One byte less keeps us clear of the edge. */
    static final int MAX_PASSWORD_BYTES = 71;
    /** The cost the real hashes use (StaffPasswords), so a dummy check takes as long as a real one. */
    private static final int BCRYPT_COST = 10;
    private static final String DUMMY_HASH = BCrypt.withDefaults().hashToString(BCRYPT_COST, "not a password".toCharArray());
    private static final char[] DUMMY_PASSWORD = "not this one either".toCharArray();

    @Inject
    @DataSource("standby")
    AgroalDataSource standbys;

    /** The second place to ask when the standby a pooled connection led to has just frozen or died. */
    @Inject
    AgroalDataSource primary;

    @Inject
    SignInThrottle throttle;

    @Inject
    CredentialCache cache;

    @Inject
    StaffSessions sessions;

    @ConfigProperty(name = "quarkus.rest-csrf.cookie-name")
    String csrfCookie;

    @ConfigProperty(name = "quarkus.rest-csrf.form-field-name", defaultValue = "csrf-token")
    String csrfField;

    @ConfigProperty(name = "quarkus.rest-csrf.token-signature-key")
    Optional<String> csrfSignatureKey;

    record Login(String username, String passwordHash, String role, StaffMember member) {
    }

    /** The identity's attribute holding the staff member (id, store, name) read with the credential: no second query. */
    public static final String MEMBER = "pagila.staff-member";

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
        return context.runBlocking(() -> verify(request.getUsername(), request.getPassword().getPassword(), http));
    }

    private SecurityIdentity verify(String username, char[] password, RoutingContext http) {
        String address = SignInGate.clientAddress(http);
        var wait = throttle.retryAfter(address, username);
        if (wait.isPresent()) {
            SignInGate.markThrottled(http, wait.get());
            throw new AuthenticationFailedException("Too many failed sign-ins");
        }
        if (SignInGate.isFormSignIn(http) && !signInFormCarriesItsToken(http)) {
            // login CSRF: only the sign-in page's own form may sign this browser in; no password is checked
            LOG.warnf("Sign-in form for %s from %s without the CSRF token of its page: refused", username, address);
            SignInGate.markFormRefused(http);
            throw new AuthenticationFailedException("The sign-in form lacks its CSRF token");
        }
        Optional<Login> login = plausible(username) ? lookUp(username, http) : Optional.empty();
        boolean fits = utf8Length(password) <= MAX_PASSWORD_BYTES;
        if (login.isPresent() && fits && cache.isVerified(username, password, login.get().passwordHash())) {
            return signedIn(login.get(), http);
        }
        boolean real = login.isPresent() && fits;
        boolean verified = BCrypt.verifyer().verify(real ? password : DUMMY_PASSWORD,
                real ? login.get().passwordHash() : DUMMY_HASH).verified && real;
        if (!verified) {
            throttle.failed(address, username, login.isEmpty() ? "unknown username" : !fits ? "password over "
                    + MAX_PASSWORD_BYTES + " bytes" : "wrong password");
            throw new AuthenticationFailedException("Wrong username or password");
        }
        cache.remember(username, password, login.get().passwordHash());
        return signedIn(login.get(), http);
    }

    private SecurityIdentity signedIn(Login login, RoutingContext http) {
        if (SignInGate.isFormSignIn(http)) {
            SignInGate.openSession(http, sessions.open(login.username(), login.passwordHash()));
        }
        return identity(login);
    }

    /** The sign-in page's token (quarkus-rest-csrf made it when the page was served) against the browser's cookie. */
    private boolean signInFormCarriesItsToken(RoutingContext http) {
        var cookie = http.request().getCookie(csrfCookie);
        return SessionFormTokens.matchesCookie(http.request().getFormAttribute(csrfField),
                cookie == null ? null : cookie.getValue(), csrfSignatureKey);
    }

    /** A username worth a database round trip: short, printable. Others are simply unknown (after the dummy bcrypt). */
    private static boolean plausible(String username) {
        return username != null && !username.isEmpty() && username.length() <= 64
                && username.chars().noneMatch(c -> Character.isISOControl(c) || c == '\uFFFD');
    }

    private static int utf8Length(char[] password) {
        return StandardCharsets.UTF_8.encode(CharBuffer.wrap(password)).remaining();
    }

    private static SecurityIdentity identity(Login login) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(login.username()))
                .addRole(login.role())
                .addAttribute(MEMBER, login.member())
                .build();
    }

    Optional<Login> lookUp(String username, RoutingContext http) {
        try {
            return readLogin(standbys, username);
        } catch (SQLException standbyFailed) {
            // a read is safe to repeat: the primary's pool reaches another server than the failed standby
            try {
                return readLogin(primary, username);
            } catch (SQLException e) {
                // no node answered: the gate turns this into 503 + Retry-After (the form: the sign-in page saying so)
                LOG.warnf("Staff sign-in for %s unavailable: neither a standby (%s) nor the primary (%s) answered", username,
                        standbyFailed.getSQLState(), e.getSQLState());
                SignInGate.markUnavailable(http);
                throw new AuthenticationFailedException("Staff sign-in is unavailable: " + e.getSQLState(), e);
            }
        }
    }

    private static Optional<Login> readLogin(AgroalDataSource pool, String username) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT username, password_hash, role, staff_id, store_id, first_name, last_name"
                     + " FROM staff_login WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Login(rs.getString("username"), rs.getString("password_hash"), rs.getString("role"),
                        new StaffMember(rs.getInt("staff_id"), rs.getInt("store_id"), rs.getString("username"),
                                rs.getString("first_name") + " " + rs.getString("last_name")))) : Optional.empty();
            }
        }
    }

    /**
     * Form sign-in keeps the identity in an encrypted cookie; each request re-reads the staff member (still active?)
     * and requires the server-side session opened at sign-in (not signed out, same password, within its lifetime).
     */
    @ApplicationScoped
    public static class SignedInSession implements IdentityProvider<TrustedAuthenticationRequest> {
        @Inject
        StaffIdentityProvider staff;

        @Inject
        StaffSessions sessions;

        @Override
        public Class<TrustedAuthenticationRequest> getRequestType() {
            return TrustedAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
            RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
            String sessionId = SignInGate.sessionId(http);
            return context.runBlocking(() -> {
                Login login = staff.lookUp(request.getPrincipal(), http)
                        .orElseThrow(() -> new AuthenticationFailedException("No such staff member"));
                if (!sessions.isValid(sessionId, login.username(), login.passwordHash())) {
                    throw new AuthenticationFailedException("The session has ended");
                }
                return identity(login);
            });
        }
    }
}
