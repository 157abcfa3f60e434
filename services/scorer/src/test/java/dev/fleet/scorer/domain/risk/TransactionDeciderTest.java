package dev.fleet.scorer.domain.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.risk.DefaultRiskRules;

class TransactionDeciderTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final TransactionSubmitted TX = new TransactionSubmitted("t1", "tx-1", "a1", new Money("10", "EUR"),
            "m", "5411", "DE", null, "card_present", T0, Map.of());
    private static final RiskFeatures BURST = new RiskFeatures(5, 50.0, 5, 50.0, 5, 50.0, 1, 3, 0.0, 4L, false, 10L,
            true, true);

    private final CompiledRuleSets compiled = new CompiledRuleSets();
    private final TransactionDecider decider = new TransactionDecider(compiled);

    @Test
    void compilesEachVersionOnceAcrossTransactions() {
        RiskRuleSet ruleSet = new RiskRuleSet("t1", version(2, "count1m >= 5"), version(3, "count1h >= 5"), T0);

        for (int i = 0; i < 10; i++) {
            decider.decide(TX, BURST, RiskRuleSet.newBuilder(ruleSet).build(), T0);
        }

        assertThat(compiled.compilations()).isEqualTo(2);
    }

    @Test
    void fallsBackToTheDefaultRulesWhenTheActiveVersionDoesNotCompileAndSkipsSuchAShadow() {
        RiskRuleSet broken = new RiskRuleSet("t1", version(2, "no_such_feature > 1"),
                version(3, "count1m >="), T0);

        TransactionDecider.Decisions decisions = decider.decide(TX, BURST, broken, T0);

        RiskDecision enforced = decisions.enforced();
        assertThat(enforced.getRuleSetVersion()).isEqualTo(DefaultRiskRules.VERSION);
        assertThat(enforced.getVerdict()).isEqualTo(RiskVerdict.DECLINE);
        assertThat(decisions.shadow()).isEmpty();
    }

    private static RiskRuleSetVersion version(int version, String condition) {
        return new RiskRuleSetVersion(version, List.of(new RiskRule("r", condition, 60.0, "test")), 50.0, 90.0, T0);
    }
}
