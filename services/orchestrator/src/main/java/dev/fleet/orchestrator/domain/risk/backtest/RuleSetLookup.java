package dev.fleet.orchestrator.domain.risk.backtest;

import java.util.UUID;

import dev.fleet.events.v1.RiskRuleSetVersion;

import reactor.core.publisher.Mono;

/** The rule-set versions a backtest compares. */
public interface RuleSetLookup {

    /** True when the tenant exists. */
    Mono<Boolean> tenantExists(UUID tenantId);

    /** The version the scorer enforces for the tenant (0: the built-in default). */
    Mono<Integer> activeVersion(UUID tenantId);

    /** One of the tenant's versions (0: the built-in default); empty when there is no such version. */
    Mono<RiskRuleSetVersion> version(UUID tenantId, int version);
}
