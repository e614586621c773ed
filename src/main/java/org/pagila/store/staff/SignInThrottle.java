package org.pagila.store.staff;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Slows password guessing: too many failed sign-ins from one client address, or for one username, within the
 * window and further attempts are refused (HTTP 429 with Retry-After) before any bcrypt work is spent on them.
 * Per username as well as per address, so guessing one account from many addresses is slowed too; the price
 * is that a guesser can keep a username locked for a window, which is why the window is short.
 */
@ApplicationScoped
public class SignInThrottle {
    private static final Logger LOG = Logger.getLogger(SignInThrottle.class);
    private final FailureWindow byAddress;
    private final FailureWindow byUsername;
    private final Clock clock;

    @Inject
    SignInThrottle(@ConfigProperty(name = "pagila.sign-in.max-failures-per-address", defaultValue = "20") int perAddress,
            @ConfigProperty(name = "pagila.sign-in.max-failures-per-username", defaultValue = "10") int perUsername,
            @ConfigProperty(name = "pagila.sign-in.throttle-window", defaultValue = "PT5M") Duration window) {
        this(perAddress, perUsername, window, Clock.systemUTC());
    }

    SignInThrottle(int perAddress, int perUsername, Duration window, Clock clock) {
        this.byAddress = new FailureWindow(perAddress, window);
        this.byUsername = new FailureWindow(perUsername, window);
        this.clock = clock;
    }

    /** How long this address or username must wait; empty when either may try now. Username may be null. */
    public Optional<Duration> retryAfter(String address, String username) {
        var now = clock.instant();
        Optional<Duration> address_ = byAddress.retryAfter(address, now);
        Optional<Duration> user = username == null ? Optional.empty() : byUsername.retryAfter(username.toLowerCase(), now);
        if (address_.isPresent() && user.isPresent()) {
            return Optional.of(address_.get().compareTo(user.get()) >= 0 ? address_.get() : user.get());
        }
        return address_.isPresent() ? address_ : user;
    }

    public void failed(String address, String username, String why) {
        var now = clock.instant();
        byAddress.failed(address, now);
        byUsername.failed(String.valueOf(username).toLowerCase(), now);
        LOG.warnf("Failed staff sign-in for username '%s' from %s: %s", printable(username), address, why);
    }

    public static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private static String printable(String username) {
        if (username == null) {
            return "";
        }
        String shown = username.length() > 64 ? username.substring(0, 64) + "..." : username;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
