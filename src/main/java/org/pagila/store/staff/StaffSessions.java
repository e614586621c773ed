package org.pagila.store.staff;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The server's side of a signed-in browser. Quarkus' form cookie alone is a bearer token that slides forever
 * and outlives sign-out (a copy stays valid); so each sign-in also opens a session here, named by a random id in
 * its own cookie, and a request is signed in only while both agree. A session ends at sign-out, when the staff
 * member's password changes (the hash it was opened with no longer matches), and at its absolute lifetime
 * whatever the activity. Sessions live in this process: a restart signs everybody out, which fails safe.
 */
@ApplicationScoped
public class StaffSessions {
    public static final String COOKIE = "pagila-session";
    private static final int MAX_SESSIONS = 10_000;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final Clock clock;

    /** formToken: the CSRF token this session was given (null until its first form page), see {@link SessionFormTokens}. */
    record Session(String username, String passwordHash, Instant expires, String formToken) {
    }

    @Inject
    StaffSessions(@ConfigProperty(name = "pagila.staff.session-lifetime", defaultValue = "PT8H") Duration lifetime) {
        this(lifetime, Clock.systemUTC());
    }

    StaffSessions(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Opens a session after a successful sign-in; the id goes into the session cookie. */
    String open(String username, String passwordHash) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !s.expires().isAfter(now));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(id, new Session(username, passwordHash, now.plus(lifetime), null));
        return id;
    }

    /** Whether the session is open, belongs to this username and was opened with the password it has now. */
    boolean isValid(String id, String username, String currentHash) {
        if (id == null || id.length() > 64) {
            return false;
        }
        Session session = sessions.get(id);
        if (session == null) {
            return false;
        }
        if (!session.expires().isAfter(clock.instant()) || !MessageDigest.isEqual(
                session.passwordHash().getBytes(StandardCharsets.US_ASCII), currentHash.getBytes(StandardCharsets.US_ASCII))) {
            sessions.remove(id);
            return false;
        }
        return session.username().equals(username);
    }

    /** The session gets this CSRF token, the one the extension has just made for it; an earlier one stops counting. */
    void giveFormToken(String id, String token) {
        if (id != null && token != null) {
            sessions.computeIfPresent(id, (key, s) -> new Session(s.username(), s.passwordHash(), s.expires(), token));
        }
    }

    /** Whether the session is open and the token is the one it was given (constant time: a token is a secret). */
    boolean hasFormToken(String id, String token) {
        Session session = id == null ? null : sessions.get(id);
        return session != null && session.formToken() != null && token != null && MessageDigest.isEqual(
                session.formToken().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a session by this id is open (signed in through the form, not yet signed out or expired). */
    boolean isOpen(String id) {
        Session session = id == null ? null : sessions.get(id);
        return session != null && session.expires().isAfter(clock.instant());
    }

    /** Sign-out: this browser's session ends, and so does any copy of its cookies. */
    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }
}
