package dev.fleet.gateway.domain.ratelimit;

/**
 * No budget owner answered in time (Kafka away, the owner's partition moving between replicas).
 * The request is refused rather than admitted unchecked: limits hold exactly or not at all.
 */
public class RateLimiterUnavailableException extends RuntimeException {

    public RateLimiterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
