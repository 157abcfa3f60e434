package dev.fleet.platform.risk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionException;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelMessage;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSetVersion;

/**
 * The rule language: each condition is a Spring Expression Language expression over the features
 * of {@link RiskFeatures} (e.g. {@code count1h >= 5 and distinctCountries24h >= 3}), evaluated in a
 * {@link SimpleEvaluationContext} whose only property accessor reads those features: no method
 * calls, no type references or constructors, no bean references, no assignment. A rule set is
 * compiled whole or refused whole, with every problem and its position.
 */
public final class RiskRuleSets {

    /** At most this many rules in a rule set. */
    public static final int MAX_RULES = 200;
    /** At most this many characters in a condition. */
    public static final int MAX_CONDITION_LENGTH = 1_000;

    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final SpelExpressionParser PARSER = new SpelExpressionParser();
    private static final EvaluationContext CONTEXT = SimpleEvaluationContext
            .forPropertyAccessors(new FeatureAccessor()).build();

    private RiskRuleSets() {
    }

    /** The names a condition may use. */
    public static Set<String> featureNames() {
        return FeatureAccessor.NAMES;
    }

    /**
     * Compiles {@code version}, or throws {@link InvalidRuleSetException} listing every problem:
     * ids (lower-case, unique), scores (finite), reasons (not blank), thresholds
     * ({@code 0 < reviewAt <= declineAt}) and conditions, each parsed and tried on sample features
     * so that an unknown feature or a non-boolean result is refused here, not at decision time.
     */
    public static CompiledRuleSet compile(RiskRuleSetVersion version) {
        List<RuleSetProblem> problems = new ArrayList<>();
        if (!(version.getReviewAt() > 0) || !Double.isFinite(version.getReviewAt())) {
            problems.add(new RuleSetProblem(null, "reviewAt", -1, "must be a positive number"));
        }
        if (!(version.getDeclineAt() >= version.getReviewAt()) || !Double.isFinite(version.getDeclineAt())) {
            problems.add(new RuleSetProblem(null, "declineAt", -1, "must be a number at least reviewAt"));
        }
        List<RiskRule> rules = version.getRules();
        if (rules.size() > MAX_RULES) {
            problems.add(new RuleSetProblem(null, "rules", -1, "at most " + MAX_RULES + " rules"));
        }
        Set<String> ids = new HashSet<>();
        List<CompiledRuleSet.Compiled> compiled = new ArrayList<>();
        for (RiskRule rule : rules) {
            String id = rule.getId();
            if (id == null || !RULE_ID.matcher(id).matches()) {
                problems.add(new RuleSetProblem(id, "id", -1,
                        "must be 1 to 64 of a-z, 0-9, '_', '.', '-', starting with a letter or digit"));
            } else if (!ids.add(id)) {
                problems.add(new RuleSetProblem(id, "id", -1, "is used by another rule"));
            }
            if (!Double.isFinite(rule.getScore())) {
                problems.add(new RuleSetProblem(id, "score", -1, "must be a finite number"));
            }
            if (rule.getReason() == null || rule.getReason().isBlank()) {
                problems.add(new RuleSetProblem(id, "reason", -1, "must not be blank"));
            }
            Expression condition = condition(id, rule.getCondition(), problems);
            if (condition != null) {
                compiled.add(new CompiledRuleSet.Compiled(id, condition, rule.getScore(), rule.getReason()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRuleSetException(problems);
        }
        return new CompiledRuleSet(version, compiled, CONTEXT);
    }

    private static Expression condition(String id, String text, List<RuleSetProblem> problems) {
        if (text == null || text.isBlank()) {
            problems.add(new RuleSetProblem(id, "condition", -1, "must not be blank"));
            return null;
        }
        if (text.length() > MAX_CONDITION_LENGTH) {
            problems.add(new RuleSetProblem(id, "condition", -1,
                    "is longer than " + MAX_CONDITION_LENGTH + " characters"));
            return null;
        }
        Expression expression;
        try {
            expression = PARSER.parseExpression(text);
        } catch (ExpressionException e) {
            problems.add(new RuleSetProblem(id, "condition", Math.max(e.getPosition(), -1), e.getSimpleMessage()));
            return null;
        }
        for (RiskFeatures sample : SampleFeatures.ALL) {
            Object value;
            try {
                value = expression.getValue(CONTEXT, sample);
            } catch (SpelEvaluationException e) {
                problems.add(new RuleSetProblem(id, "condition", position(text, e), e.getSimpleMessage()));
                return null;
            } catch (ArithmeticException e) {
                continue; // a division by zero on these sample values may well not happen on real ones
            }
            if (!(value instanceof Boolean)) {
                problems.add(new RuleSetProblem(id, "condition", 0, "must be true or false, not "
                        + (value == null ? "null" : value.getClass().getSimpleName())));
                return null;
            }
        }
        return expression;
    }

    /** Where in {@code text} an evaluation error is: the unknown name itself, when it is one. */
    private static int position(String text, SpelEvaluationException e) {
        if (e.getMessageCode() == SpelMessage.PROPERTY_OR_FIELD_NOT_READABLE && e.getInserts().length > 0) {
            Matcher name = Pattern.compile("(?<![\\w.])" + Pattern.quote(String.valueOf(e.getInserts()[0]))
                    + "(?!\\w)").matcher(text);
            if (name.find()) {
                return name.start();
            }
        }
        return Math.max(e.getPosition(), -1);
    }
}
