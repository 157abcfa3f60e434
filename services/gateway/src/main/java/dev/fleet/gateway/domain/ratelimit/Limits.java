package dev.fleet.gateway.domain.ratelimit;

/**
 * The per-minute limits of one budget: requests and tokens, each {@code 0} or less for "no limit",
 * and the version (update time, epoch millis) they were set at, so an owner that hears of two
 * versions applies the newer.
 */
public record Limits(int requestsPerMinute, long tokensPerMinute, long version) {

    /** No limit at all. */
    public static final Limits NONE = new Limits(0, 0, 0);

    public boolean limitsRequests() {
        return requestsPerMinute > 0;
    }

    public boolean limitsTokens() {
        return tokensPerMinute > 0;
    }

    public boolean limitsAnything() {
        return limitsRequests() || limitsTokens();
    }

    /** The newer of the two (this one on a tie). */
    public Limits newest(Limits other) {
        return other.version > version ? other : this;
    }
}
