package dev.fleet.gateway.messaging.ratelimit;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import dev.fleet.events.v1.RateLimitClaim;
import dev.fleet.events.v1.RateLimitGrant;
import dev.fleet.gateway.domain.ratelimit.Budget;
import dev.fleet.gateway.domain.ratelimit.CapacityClaims;
import dev.fleet.gateway.domain.ratelimit.CapacityGrant;
import dev.fleet.gateway.domain.ratelimit.Limits;
import dev.fleet.gateway.domain.ratelimit.RateLimiterUnavailableException;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Claims capacity from a budget's owner over Kafka: a {@link RateLimitClaim} on
 * {@code fleet.ratelimit.claims.v1}, keyed by budget (so the replica owning that partition decides
 * it), answered by a {@link RateLimitGrant} keyed by the claim id on the grants partition this
 * replica reads (the claim's {@code replyPartition}). No grant within
 * {@code timeout} (Kafka away, the partition moving to another owner) fails the claim; a grant that
 * arrives later is dropped, and its capacity stays unused (never used twice).
 */
public final class KafkaCapacityClaims implements CapacityClaims {

    private final FleetPublisher publisher;
    private final ReplyRouter<RateLimitGrant> grants;
    private final String replica;
    private final Duration timeout;
    private final BooleanSupplier kafkaReachable;

    /** @param kafkaReachable whether Kafka answers now; while it does not, claims fail at once instead of timing out */
    public KafkaCapacityClaims(FleetPublisher publisher, ReplyRouter<RateLimitGrant> grants, String replica,
            Duration timeout, BooleanSupplier kafkaReachable) {
        this.publisher = publisher;
        this.grants = grants;
        this.replica = replica;
        this.timeout = timeout;
        this.kafkaReachable = kafkaReachable;
    }

    @Override
    public Mono<CapacityGrant> claim(Budget budget, int requests, long tokens, long tokensUsedBeyondGrants,
            Limits limits) {
        return Mono.defer(() -> {
            if (!kafkaReachable.getAsBoolean()) {
                return Mono.error(new RateLimiterUnavailableException("Kafka is unreachable: no capacity can be "
                        + "claimed for budget " + budget.id(), null));
            }
            String claimId = UUID.randomUUID().toString();
            ReplyRouter.Registration<RateLimitGrant> registration = grants.register(claimId);
            RateLimitClaim claim = RateLimitClaim.newBuilder()
                    .setClaimId(claimId)
                    .setBudget(budget.id())
                    .setTenantId(budget.tenantId())
                    .setRequests(requests)
                    .setTokens(tokens)
                    .setTokensUsedBeyondGrants(tokensUsedBeyondGrants)
                    .setRequestsPerMinute(limits.requestsPerMinute())
                    .setTokensPerMinute(limits.tokensPerMinute())
                    .setLimitsVersion(limits.version())
                    .setReplica(replica)
                    .setReplyPartition(registration.partition())
                    .build();
            return publisher.send(FleetTopics.RATE_LIMIT_CLAIMS, budget.id(), claim,
                            EventContext.newEvent(budget.tenantId()))
                    .then(registration.replies().next())
                    .timeout(timeout)
                    .map(KafkaCapacityClaims::grant)
                    .doOnError(e -> grants.forget(claimId))
                    .onErrorMap(e -> new RateLimiterUnavailableException(e instanceof TimeoutException
                            ? "no grant for budget " + budget.id() + " within " + timeout.toMillis() + " ms"
                            : "could not claim capacity for budget " + budget.id() + ": " + e.getMessage(), e));
        });
    }

    private static CapacityGrant grant(RateLimitGrant g) {
        return new CapacityGrant(g.getRequests(), g.getTokens(), g.getRemainingRequests(), g.getRemainingTokens(),
                new Limits(g.getRequestsPerMinute(), g.getTokensPerMinute(), 0), g.getGrantedAt().toEpochMilli(),
                g.getWindowEnd().toEpochMilli());
    }
}
