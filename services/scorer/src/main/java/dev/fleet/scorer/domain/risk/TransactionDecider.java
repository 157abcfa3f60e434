package dev.fleet.scorer.domain.risk;

import java.time.Instant;
import java.util.Optional;

import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.risk.CompiledRuleSet;
import dev.fleet.platform.risk.DefaultRiskRules;
import dev.fleet.platform.risk.RiskEvaluation;

/**
 * Decides a transaction from its features with its tenant's rules: the active version (the built-in
 * default, version 0, for a tenant without a rule set, or whose active version does not compile) gives
 * the enforced decision; a shadow version, when the tenant runs one, gives a second decision that is
 * only reported.
 */
public final class TransactionDecider {

    private final CompiledRuleSets compiled;

    /**
     * @param enforced the decision the product app acts on
     * @param shadow   what the tenant's shadow version would have decided, when it runs one
     */
    public record Decisions(RiskDecision enforced, Optional<RiskDecision> shadow) {
    }

    public TransactionDecider(CompiledRuleSets compiled) {
        this.compiled = compiled;
    }

    /**
     * @param ruleSet   the tenant's rule set, {@code null} when it has none
     * @param decidedAt when the decision is made
     */
    public Decisions decide(TransactionSubmitted tx, RiskFeatures features, RiskRuleSet ruleSet, Instant decidedAt) {
        String tenant = tx.getTenantId();
        CompiledRuleSet active = ruleSet == null ? DefaultRiskRules.compiled()
                : compiled.of(tenant, ruleSet.getActive()).orElse(DefaultRiskRules.compiled());
        Optional<RiskDecision> shadow = ruleSet == null || ruleSet.getShadow() == null ? Optional.empty()
                : compiled.of(tenant, ruleSet.getShadow()).map(rules -> decision(tx, features, rules, decidedAt));
        return new Decisions(decision(tx, features, active, decidedAt), shadow);
    }

    private static RiskDecision decision(TransactionSubmitted tx, RiskFeatures features, CompiledRuleSet rules,
            Instant decidedAt) {
        RiskEvaluation evaluation = rules.decide(features);
        return RiskDecision.newBuilder()
                .setTenantId(tx.getTenantId())
                .setTransactionId(tx.getTransactionId())
                .setAccountId(tx.getAccountId())
                .setAmount(tx.getAmount())
                .setVerdict(evaluation.verdict())
                .setScore(evaluation.score())
                .setReasons(evaluation.reasons())
                .setFeatures(features)
                .setRuleSetVersion(rules.version().getVersion())
                .setOccurredAt(tx.getOccurredAt())
                .setDecidedAt(decidedAt)
                .build();
    }
}
