package dev.fleet.platform.risk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;

import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.events.v1.RiskVerdict;

/** A rule-set version whose conditions are parsed and checked, ready to decide transactions. */
public final class CompiledRuleSet {

    private final RiskRuleSetVersion version;
    private final List<Compiled> rules;
    private final EvaluationContext context;

    record Compiled(String id, Expression condition, double score, String reason) {
    }

    CompiledRuleSet(RiskRuleSetVersion version, List<Compiled> rules, EvaluationContext context) {
        this.version = version;
        this.rules = List.copyOf(rules);
        this.context = context;
    }

    /** The version compiled. */
    public RiskRuleSetVersion version() {
        return version;
    }

    /**
     * Evaluates every rule on {@code features}: each that holds adds its score and reason. A rule
     * whose condition cannot be evaluated on these values (an integer division by zero, say) adds no
     * score but is named in the reasons, so a reviewer and the rule's author see it.
     */
    public RiskEvaluation decide(RiskFeatures features) {
        List<RiskReason> reasons = new ArrayList<>();
        double score = 0;
        for (Compiled rule : rules) {
            Boolean holds;
            try {
                holds = rule.condition().getValue(context, features, Boolean.class);
            } catch (EvaluationException | ArithmeticException e) {
                reasons.add(new RiskReason(rule.id(), "could not be evaluated: " + e.getMessage(), 0.0));
                continue;
            }
            if (Boolean.TRUE.equals(holds)) {
                score += rule.score();
                reasons.add(new RiskReason(rule.id(), rule.reason(), rule.score()));
            }
        }
        reasons.sort(Comparator.comparingDouble(RiskReason::getScore).reversed());
        return new RiskEvaluation(verdict(score), score, List.copyOf(reasons));
    }

    private RiskVerdict verdict(double score) {
        if (score >= version.getDeclineAt()) {
            return RiskVerdict.DECLINE;
        }
        return score >= version.getReviewAt() ? RiskVerdict.REVIEW : RiskVerdict.APPROVE;
    }
}
