package org.pagila.store.staff;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Remembers, for a short time, that a username and password passed bcrypt, so an API client sending HTTP Basic
 * with every request pays bcrypt once a minute instead of on every call. Safe by construction:
 * - the password itself is never kept, only an HMAC of it under a key that lives in this process's memory only
 *   (so a heap dump or a log line does not give an offline-guessable hash of a staff password);
 * - an entry only counts together with the bcrypt hash it was verified against: after a password reset the
 *   stored hash differs, and the entry is dead at once (no waiting for the TTL);
 * - entries expire after {@code pagila.sign-in.cache-ttl} (default 60 s), and the map is bounded.
 */
@ApplicationScoped
public class CredentialCache {
    private static final int MAX_ENTRIES = 10_000;
    private final byte[] key = new byte[32];
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> verified = new ConcurrentHashMap<>();

    private record Entry(String bcryptHash, Instant expires) {
    }

    @Inject
    CredentialCache(@ConfigProperty(name = "pagila.sign-in.cache-ttl", defaultValue = "PT60S") Duration ttl) {
        this(ttl, Clock.systemUTC());
    }

    CredentialCache(Duration ttl, Clock clock) {
        new SecureRandom().nextBytes(key);
        this.ttl = ttl;
        this.clock = clock;
    }

    /** True when this username and password passed bcrypt against exactly this hash within the TTL. */
    boolean isVerified(String username, char[] password, String currentHash) {
        Entry entry = verified.get(cacheKey(username, password));
        if (entry == null) {
            return false;
        }
        if (!entry.expires().isAfter(clock.instant()) || !MessageDigest.isEqual(
                entry.bcryptHash().getBytes(StandardCharsets.US_ASCII), currentHash.getBytes(StandardCharsets.US_ASCII))) {
            verified.remove(cacheKey(username, password));
            return false;
        }
        return true;
    }

    void remember(String username, char[] password, String bcryptHash) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        Instant now = clock.instant();
        if (verified.size() >= MAX_ENTRIES) {
            verified.entrySet().removeIf(e -> !e.getValue().expires().isAfter(now));
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
        }
        verified.put(cacheKey(username, password), new Entry(bcryptHash, now.plus(ttl)));
    }

    /** Forget a username's entries (its password was changed through the store). */
    void forget(String username) {
        String prefix = username + "\u0000";
        verified.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private String cacheKey(String username, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            mac.update(bytes);
            return username + "\u0000" + Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
