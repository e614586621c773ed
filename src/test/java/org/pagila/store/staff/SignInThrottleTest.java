package org.pagila.store.staff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sign-in decisions alone, on a clock the test moves: throttle windows, cached credentials, session ends. */
class SignInThrottleTest {

    /** A clock that stands still until the test moves it. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aUsernameWaitsOnceItHasTheLimitOfFailuresInTheWindow() {
        TestClock clock = new TestClock();
        SignInThrottle throttle = new SignInThrottle(100, 3, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 2; i++) {
            throttle.failed("10.0.0." + i, "Mike", "wrong password");
            clock.advance(Duration.ofSeconds(10));
        }
        assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.9", "Mike"));
        throttle.failed("10.0.0.3", "MIKE", "wrong password");
        Duration wait = throttle.retryAfter("10.0.0.9", "mike").orElseThrow();
        assertEquals(Duration.ofMinutes(5).minusSeconds(20), wait, "until the oldest failure leaves the window");
        assertEquals(280, SignInThrottle.seconds(wait));
        assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.9", "Jon"), "other usernames are not affected");
        clock.advance(wait);
        assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.9", "Mike"));
    }

    @Test
    void anAddressWaitsWhateverUsernamesItTries() {
        TestClock clock = new TestClock();
        SignInThrottle throttle = new SignInThrottle(2, 100, Duration.ofMinutes(1), clock);
        throttle.failed("192.0.2.1", "a", "unknown username");
        throttle.failed("192.0.2.1", "b", "unknown username");
        assertTrue(throttle.retryAfter("192.0.2.1", "Mike").isPresent());
        assertTrue(throttle.retryAfter("192.0.2.1", null).isPresent());
        assertFalse(throttle.retryAfter("192.0.2.2", "Mike").isPresent());
    }

    @Test
    void aCachedCredentialCountsOnlyForTheSameHashAndWithinItsTtl() {
        TestClock clock = new TestClock();
        CredentialCache cache = new CredentialCache(Duration.ofSeconds(60), clock);
        char[] password = "correct horse".toCharArray();
        assertFalse(cache.isVerified("Mike", password, "$2a$10$hashA"));
        cache.remember("Mike", password, "$2a$10$hashA");
        assertTrue(cache.isVerified("Mike", password, "$2a$10$hashA"));
        assertFalse(cache.isVerified("Mike", "correct horsE".toCharArray(), "$2a$10$hashA"), "another password");
        assertFalse(cache.isVerified("Jon", password, "$2a$10$hashA"), "another username");
        assertFalse(cache.isVerified("Mike", password, "$2a$10$hashB"), "the password was reset: the entry is dead");
        assertFalse(cache.isVerified("Mike", password, "$2a$10$hashA"), "and stays dead");
        cache.remember("Mike", password, "$2a$10$hashA");
        clock.advance(Duration.ofSeconds(60));
        assertFalse(cache.isVerified("Mike", password, "$2a$10$hashA"), "expired");
    }

    @Test
    void aSessionEndsAtSignOutAtAPasswordChangeAndAtItsLifetime() {
        TestClock clock = new TestClock();
        StaffSessions sessions = new StaffSessions(Duration.ofHours(8), clock);
        String id = sessions.open("Mike", "hashA");
        assertTrue(sessions.isValid(id, "Mike", "hashA"));
        assertFalse(sessions.isValid(id, "Jon", "hashA"), "a session belongs to one staff member");
        assertFalse(sessions.isValid("forged", "Mike", "hashA"));
        assertFalse(sessions.isValid(null, "Mike", "hashA"));
        sessions.close(id);
        assertFalse(sessions.isValid(id, "Mike", "hashA"), "signed out");

        String second = sessions.open("Mike", "hashA");
        assertFalse(sessions.isValid(second, "Mike", "hashB"), "password changed");

        String third = sessions.open("Mike", "hashA");
        clock.advance(Duration.ofHours(7).plusMinutes(59));
        assertTrue(sessions.isValid(third, "Mike", "hashA"));
        clock.advance(Duration.ofMinutes(1));
        assertFalse(sessions.isValid(third, "Mike", "hashA"), "absolute lifetime, whatever the activity");
    }
}
