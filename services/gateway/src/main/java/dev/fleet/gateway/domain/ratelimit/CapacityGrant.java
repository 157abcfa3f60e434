package dev.fleet.gateway.domain.ratelimit;

/**
 * What a budget's owner granted this replica for one claim.
 *
 * @param remainingRequests requests left in the window after the grant, across all replicas; -1 without a request limit
 * @param remainingTokens   tokens left likewise; -1 without a token limit
 * @param limits            the limits the owner applied
 * @param grantedAt         the owner's time of the grant (epoch millis)
 * @param windowEnd         the owner's end of the window (epoch millis); the capacity is void from then on
 */
public record CapacityGrant(int requests, long tokens, long remainingRequests, long remainingTokens, Limits limits,
        long grantedAt, long windowEnd) {

    /** How long the grant stays valid from the moment the owner made it. */
    public long validForMillis() {
        return Math.max(0, windowEnd - grantedAt);
    }
}
