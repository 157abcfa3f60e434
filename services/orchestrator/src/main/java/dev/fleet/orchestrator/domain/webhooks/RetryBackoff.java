package dev.fleet.orchestrator.domain.webhooks;

import java.time.Duration;

/**
 * When a failed delivery is tried again: {@code initial} after the first attempt, doubling after each
 * further one up to {@code max}; after {@code maxAttempts} attempts there is no next one (dead).
 */
public record RetryBackoff(int maxAttempts, Duration initial, Duration max) {

    public RetryBackoff {
        if (maxAttempts < 1 || initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("maxAttempts >= 1 and 0 <= initial <= max");
        }
    }

    /** The pause after attempt number {@code attempts} (1-based) failed; null when it was the last. */
    public Duration after(int attempts) {
        if (attempts >= maxAttempts) {
            return null;
        }
        Duration pause = initial;
        for (int i = 1; i < attempts && pause.compareTo(max) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(max) > 0 ? max : pause;
    }
}
