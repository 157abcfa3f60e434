package dev.fleet.orchestrator.domain.risk;

import java.util.UUID;

import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.orchestrator.domain.risk.backtest.RuleSetLookup;
import dev.fleet.platform.risk.DefaultRiskRules;

import reactor.core.publisher.Mono;

/** The versions a backtest compares, from the tenants' stored rule sets (version 0 is the built-in default). */
public class RuleSetStoreLookup implements RuleSetLookup {

    private final RuleSetStore store;

    public RuleSetStoreLookup(RuleSetStore store) {
        this.store = store;
    }

    @Override
    public Mono<Boolean> tenantExists(UUID tenantId) {
        return store.tenantExists(tenantId);
    }

    @Override
    public Mono<Integer> activeVersion(UUID tenantId) {
        return store.pointers(tenantId).map(RuleSetPointers::active);
    }

    @Override
    public Mono<RiskRuleSetVersion> version(UUID tenantId, int version) {
        return version == DefaultRiskRules.VERSION ? Mono.just(DefaultRiskRules.version()) : store.find(tenantId, version);
    }
}
