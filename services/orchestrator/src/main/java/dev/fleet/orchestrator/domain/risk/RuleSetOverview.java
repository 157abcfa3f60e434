package dev.fleet.orchestrator.domain.risk;

import java.util.List;

import dev.fleet.events.v1.RiskRuleSetVersion;

/** A tenant's rule-set versions (the default, version 0, first) and which are active and shadow. */
public record RuleSetOverview(List<RiskRuleSetVersion> versions, RuleSetPointers pointers) {

    public RuleSetOverview {
        versions = List.copyOf(versions);
    }
}
