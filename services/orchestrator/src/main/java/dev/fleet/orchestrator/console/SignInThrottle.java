package dev.fleet.orchestrator.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing of the admin token: after {@code allowed} wrong tokens from one address, that address
 * must wait {@code lockout} before the next try, twice as long after each further wrong token (at most
 * {@code maxLockout}); while it waits, even the right token is refused. A successful sign-in forgets the
 * address. Addresses are forgotten once their wait has passed and they have been quiet for {@code maxLockout},
 * so the map cannot grow without bound from one-off attempts.
 */
public final class SignInThrottle {

    private final int allowed;
    private final Duration lockout;
    private final Duration maxLockout;
    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public SignInThrottle(int allowed, Duration lockout, Duration maxLockout, Clock clock) {
        if (allowed < 1 || lockout.isNegative() || maxLockout.compareTo(lockout) < 0) {
            throw new IllegalArgumentException("need allowed >= 1 and 0 <= lockout <= maxLockout");
        }
        this.allowed = allowed;
        this.lockout = lockout;
        this.maxLockout = maxLockout;
        this.clock = clock;
    }

    /** How long {@code address} must still wait before it may try again; empty when it may try now. */
    public Optional<Duration> waitFor(String address) {
        Failures f = failures.get(address);
        if (f == null || f.until == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), f.until);
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** Records a wrong token; returns the consecutive wrong tokens from {@code address}, this one included. */
    public int failed(String address) {
        Instant now = clock.instant();
        forgetQuiet(now);
        Failures f = failures.compute(address, (a, old) -> {
            int count = old == null ? 1 : old.count + 1;
            Instant until = count < allowed ? null : now.plus(lockoutAfter(count));
            return new Failures(count, until, now);
        });
        return f.count;
    }

    /** A successful sign-in: the address starts afresh. */
    public void succeeded(String address) {
        failures.remove(address);
    }

    private Duration lockoutAfter(int count) {
        int doublings = Math.min(count - allowed, 30);
        Duration d = lockout.multipliedBy(1L << doublings);
        return d.compareTo(maxLockout) > 0 ? maxLockout : d;
    }

    private void forgetQuiet(Instant now) {
        failures.values().removeIf(f -> f.last.plus(maxLockout).isBefore(now)
                && (f.until == null || f.until.isBefore(now)));
    }

    private record Failures(int count, Instant until, Instant last) {
    }
}
