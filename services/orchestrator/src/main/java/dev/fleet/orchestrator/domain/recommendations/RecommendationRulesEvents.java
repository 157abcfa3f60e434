package dev.fleet.orchestrator.domain.recommendations;

import java.util.UUID;

import dev.fleet.events.v1.RecommendationRules;

import reactor.core.publisher.Mono;

/**
 * Tells the fleet that a collection's recommendation rules changed: the collection's active rules on the
 * compacted {@code fleet.recommendation.rules.v1} and a {@code RecommendationRulesChanged} domain event, through
 * the transactional outbox (so each call runs in the transaction that made the change).
 */
public interface RecommendationRulesEvents {

    /** {@code change}: created or activated; {@code state} is the collection's active rules now. */
    Mono<Void> rulesChanged(UUID tenantId, RecommendationRules state, String change, String actor);

    /** Publishes the state before the commit and waits for Kafka's acknowledgement (read-your-writes). */
    Mono<Void> deliver();
}
