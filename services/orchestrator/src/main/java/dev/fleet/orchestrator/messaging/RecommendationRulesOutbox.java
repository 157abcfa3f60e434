package dev.fleet.orchestrator.messaging;

import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.fleet.events.v1.RecommendationRules;
import dev.fleet.events.v1.RecommendationRulesChanged;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesEvents;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Announces recommendation-rule changes through the outbox ({@link OutboxEventWriter}): the collection's active
 * rules on {@code fleet.recommendation.rules.v1} (key {@code tenantId/collection}) with a
 * {@code RecommendationRulesChanged} event (subject {@code recommendation-rules/<collection>}).
 */
@Component
public class RecommendationRulesOutbox implements RecommendationRulesEvents {

    private final OutboxEventWriter writer;
    private final OutboxDelivery delivery;

    public RecommendationRulesOutbox(OutboxEventWriter writer, OutboxDelivery delivery) {
        this.writer = writer;
        this.delivery = delivery;
    }

    @Override
    public Mono<Void> rulesChanged(UUID tenantId, RecommendationRules state, String change, String actor) {
        return writer.stateAndEvent(FleetTopics.RECOMMENDATION_RULES, tenantId + "/" + state.getCollection(), state,
                tenantId, actor, "recommendation-rules/" + state.getCollection(),
                new RecommendationRulesChanged(state.getCollection(), state.getVersion(), change));
    }

    @Override
    public Mono<Void> deliver() {
        return delivery.deliverInTransaction();
    }
}
