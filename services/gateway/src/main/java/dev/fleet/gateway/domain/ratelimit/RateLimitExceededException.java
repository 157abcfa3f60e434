package dev.fleet.gateway.domain.ratelimit;

import java.time.Duration;

/** A request over its budget's limit: refused, with how long until the window resets. */
public class RateLimitExceededException extends RuntimeException {

    /** Which limit refused it. */
    public enum Dimension { REQUESTS, TOKENS }

    private final Dimension dimension;
    private final Duration retryAfter;

    public RateLimitExceededException(Dimension dimension, Duration retryAfter, String message) {
        super(message);
        this.dimension = dimension;
        this.retryAfter = retryAfter;
    }

    public Dimension dimension() {
        return dimension;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
