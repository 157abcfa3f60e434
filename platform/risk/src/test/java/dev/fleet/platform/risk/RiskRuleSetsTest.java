package dev.fleet.platform.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.events.v1.RiskVerdict;

class RiskRuleSetsTest {

    @Test
    void addsTheScoresOfTheRulesThatHoldAndMapsThemToAVerdict() {
        // given
        CompiledRuleSet rules = RiskRuleSets.compile(version(
                new RiskRule("busy", "count1h >= 10", 30.0, "busy hour"),
                new RiskRule("far", "amountZScore > 2.0 and historyCount >= 5", 40.0, "far above history"),
                new RiskRule("new_merchant", "firstTimeAtMerchant", 5.0, "new merchant")));

        // when / then
        RiskEvaluation quiet = rules.decide(SampleFeatures.FIRST);
        assertThat(quiet.verdict()).isEqualTo(RiskVerdict.APPROVE);
        assertThat(quiet.score()).isEqualTo(5.0);
        assertThat(quiet.reasons()).extracting(RiskReason::getRule).containsExactly("new_merchant");

        RiskEvaluation busy = rules.decide(SampleFeatures.BUSY);
        assertThat(busy.score()).isEqualTo(70.0);
        assertThat(busy.verdict()).isEqualTo(RiskVerdict.REVIEW);
        assertThat(busy.reasons()).extracting(RiskReason::getRule).containsExactly("far", "busy");
    }

    @Test
    void declinesAtOrAboveTheDeclineThreshold() {
        CompiledRuleSet rules = RiskRuleSets.compile(version(new RiskRule("any", "count24h >= 1", 90.0, "always")));

        assertThat(rules.decide(SampleFeatures.FIRST).verdict()).isEqualTo(RiskVerdict.DECLINE);
    }

    @Test
    void refusesASyntaxErrorWithItsPosition() {
        RiskRuleSetVersion broken = version(new RiskRule("ok", "count1m > 1", 1.0, "fine"),
                new RiskRule("broken", "count1h >= and sum1h > 3", 1.0, "bad"));

        assertThatThrownBy(() -> RiskRuleSets.compile(broken))
                .asInstanceOf(type(InvalidRuleSetException.class))
                .extracting(InvalidRuleSetException::problems)
                .satisfies(problems -> {
                    assertThat(problems).hasSize(1);
                    assertThat(problems.get(0).rule()).isEqualTo("broken");
                    assertThat(problems.get(0).field()).isEqualTo("condition");
                    assertThat(problems.get(0).position()).isBetween(11, 15);
                });
    }

    @Test
    void refusesUnknownFeaturesMethodCallsTypesAndNonBooleans() {
        RiskRuleSetVersion unsafe = version(
                new RiskRule("unknown", "count1h > 1 and velocity > 3", 1.0, "x"),
                new RiskRule("type", "T(java.lang.Runtime).getRuntime().exec('id') != null", 1.0, "x"),
                new RiskRule("method", "getSchema() != null", 1.0, "x"),
                new RiskRule("getter", "schema != null", 1.0, "x"),
                new RiskRule("assign", "(count1h = 5) > 1", 1.0, "x"),
                new RiskRule("number", "sum1h * 2", 1.0, "x"));

        assertThatThrownBy(() -> RiskRuleSets.compile(unsafe))
                .asInstanceOf(type(InvalidRuleSetException.class))
                .extracting(InvalidRuleSetException::problems)
                .satisfies(problems -> {
                    assertThat(problems).extracting(RuleSetProblem::rule)
                            .containsExactly("unknown", "type", "method", "getter", "assign", "number");
                    assertThat(problems.get(0).position()).isEqualTo(16);
                    assertThat(problems.get(5).message()).contains("true or false");
                });
    }

    @Test
    void refusesDuplicateIdsBadThresholdsAndBlankReasons() {
        RiskRuleSetVersion bad = new RiskRuleSetVersion(3, List.of(
                new RiskRule("a", "count1m > 1", 1.0, "x"),
                new RiskRule("a", "count1m > 2", 1.0, " ")), 50.0, 40.0, Instant.EPOCH);

        assertThatThrownBy(() -> RiskRuleSets.compile(bad))
                .asInstanceOf(type(InvalidRuleSetException.class))
                .extracting(InvalidRuleSetException::problems)
                .satisfies(problems -> assertThat(problems).extracting(RuleSetProblem::field)
                        .containsExactlyInAnyOrder("declineAt", "id", "reason"));
    }

    @Test
    void aRuleThatFailsOnTheseValuesIsNamedAndAddsNothing() {
        CompiledRuleSet rules = RiskRuleSets.compile(version(
                new RiskRule("ratio", "count1h / (count24h - 1) > 2", 80.0, "ratio")));
        RiskFeatures oneOfOne = RiskFeatures.newBuilder(SampleFeatures.FIRST).build();

        RiskEvaluation evaluation = rules.decide(oneOfOne);

        assertThat(evaluation.score()).isZero();
        assertThat(evaluation.reasons()).singleElement()
                .satisfies(r -> assertThat(r.getReason()).startsWith("could not be evaluated"));
    }

    @Test
    void theDefaultRulesFlagABurstAcrossCountriesAndAnAmountFarAboveHistory() {
        CompiledRuleSet defaults = DefaultRiskRules.compiled();
        RiskFeatures normal = new RiskFeatures(1, 20.0, 2, 45.0, 5, 120.0, 1, 1, 0.3, 30L, false, 600L, false, false);
        RiskFeatures burst = RiskFeatures.newBuilder(normal).setCount1h(5).setDistinctCountries24h(4)
                .setCountryChanged(true).build();
        RiskFeatures far = RiskFeatures.newBuilder(normal).setAmountZScore(7.5).build();

        assertThat(defaults.decide(normal).verdict()).isEqualTo(RiskVerdict.APPROVE);
        assertThat(defaults.decide(burst).verdict()).isNotEqualTo(RiskVerdict.APPROVE);
        assertThat(defaults.decide(burst).reasons()).extracting(RiskReason::getRule)
                .contains("burst_across_countries");
        assertThat(defaults.decide(far).verdict()).isNotEqualTo(RiskVerdict.APPROVE);
        assertThat(defaults.decide(far).reasons()).extracting(RiskReason::getRule)
                .contains("amount_far_above_history");
        assertThat(defaults.version().getVersion()).isEqualTo(DefaultRiskRules.VERSION);
    }

    private static RiskRuleSetVersion version(RiskRule... rules) {
        return new RiskRuleSetVersion(1, List.of(rules), 50.0, 90.0, Instant.EPOCH);
    }
}
