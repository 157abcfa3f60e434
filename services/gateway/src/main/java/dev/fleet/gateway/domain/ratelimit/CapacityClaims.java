package dev.fleet.gateway.domain.ratelimit;

import reactor.core.publisher.Mono;

/** The way to a budget's owner: asks it for capacity and hands back its grant. */
public interface CapacityClaims {

    /**
     * Asks the owner of {@code budget} for capacity in its current window.
     *
     * @param tokensUsedBeyondGrants tokens this replica used beyond its grants, to be charged to the window
     * @param limits                 the limits as this replica knows them
     * @return the grant; fails with {@link RateLimiterUnavailableException} when no grant came in time
     */
    Mono<CapacityGrant> claim(Budget budget, int requests, long tokens, long tokensUsedBeyondGrants, Limits limits);
}
