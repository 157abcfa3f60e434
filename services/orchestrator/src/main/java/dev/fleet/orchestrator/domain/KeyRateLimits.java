package dev.fleet.orchestrator.domain;

/**
 * Limits of one API key on its own, besides its tenant's. A {@code null} field: none of its own.
 */
public record KeyRateLimits(Integer requestsPerMinute, Long tokensPerMinute) {

    /** No limits of its own. */
    public static final KeyRateLimits NONE = new KeyRateLimits(null, null);

    public KeyRateLimits {
        if (LimitOverrides.negative(requestsPerMinute) || LimitOverrides.negative(tokensPerMinute)) {
            throw new IllegalArgumentException("limits are 0 (none) or more");
        }
    }

    public boolean isNone() {
        return requestsPerMinute == null && tokensPerMinute == null;
    }
}
