package dev.fleet.orchestrator.domain.risk;

import java.util.UUID;

import dev.fleet.events.v1.RiskRuleSet;

import reactor.core.publisher.Mono;

/**
 * Tells the fleet about a change of a tenant's rule sets: the tenant's whole state on the compacted
 * {@code fleet.risk.rule-sets.v1} and a {@code RiskRuleSetChanged} domain event, through the
 * transactional outbox (so each call runs in the transaction that made the change).
 */
public interface RuleSetEvents {

    /** {@code change}: created, activated, shadowed or shadow_cleared, of {@code version}. */
    Mono<Void> ruleSetChanged(UUID tenantId, RiskRuleSet state, int version, String change, String actor);

    /** Publishes the state before the commit and waits for Kafka's acknowledgement (read-your-writes). */
    Mono<Void> deliver();
}
