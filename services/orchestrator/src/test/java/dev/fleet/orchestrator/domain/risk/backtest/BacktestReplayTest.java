package dev.fleet.orchestrator.domain.risk.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.risk.CompiledRuleSet;
import dev.fleet.platform.risk.DefaultRiskRules;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.platform.risk.RiskRuleSets;

class BacktestReplayTest {

    private static final Instant FROM = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofHours(1));
    /** Reviews any account's fourth transaction within the hour or later ones. */
    private static final CompiledRuleSet FOURTH_IN_AN_HOUR = RiskRuleSets.compile(new RiskRuleSetVersion(2,
            List.of(new RiskRule("busy_hour", "count1h >= 4", 60.0, "four in an hour")), 50.0, 90.0, FROM));

    @Test
    void decidesOnlyTheRangeWithTheWarmUpsHistoryAndCountsTheChanges() {
        // given a replay of tenant t1 in [FROM, TO) with the default rules against "fourth in an hour"
        BacktestReplay replay = new BacktestReplay("t1", FROM, TO, DefaultRiskRules.compiled(), FOURTH_IN_AN_HOUR,
                RiskFeatureSettings.DEFAULT, 100);

        // when account a has 3 transactions in the warm-up's last half hour and 2 in the range,
        // account b 2 in the range, another tenant 5 in the range, and one at TO itself
        for (int i = 0; i < 3; i++) {
            replay.accept(tx("t1", "a", "a" + i, FROM.minus(Duration.ofMinutes(30 - i))));
        }
        replay.accept(tx("t1", "a", "a3", FROM.plusSeconds(60)));
        replay.accept(tx("t1", "a", "a4", FROM.plusSeconds(120)));
        replay.accept(tx("t1", "b", "b0", FROM.plusSeconds(60)));
        replay.accept(tx("t1", "b", "b1", FROM.plusSeconds(120)));
        for (int i = 0; i < 5; i++) {
            replay.accept(tx("t2", "a", "x" + i, FROM.plusSeconds(i)));
        }
        replay.accept(tx("t1", "b", "b2", TO));
        BacktestReport report = replay.report(3);

        // then the range's four transactions of t1 are decided, and a's two (its 4th and 5th within
        // the hour, thanks to the warm-up) change from approve to review
        assertThat(report.decided()).isEqualTo(4);
        assertThat(report.changed()).isEqualTo(2);
        assertThat(report.transitions()).containsExactlyEntriesOf(Map.of("approve->review", 2L));
        assertThat(report.examples()).extracting(BacktestReport.Change::transactionId).containsExactly("a3", "a4");
        assertThat(report.baseline()).containsEntry("approve", 4L);
        assertThat(report.candidate()).containsEntry("approve", 2L).containsEntry("review", 2L);
        assertThat(report.baselineVersion()).isEqualTo(DefaultRiskRules.VERSION);
        assertThat(report.candidateVersion()).isEqualTo(2);
        assertThat(report.accounts()).isEqualTo(2);
        assertThat(report.undecodable()).isEqualTo(3);
    }

    @Test
    void skipsInvalidAndDuplicateTransactions() {
        BacktestReplay replay = new BacktestReplay("t1", FROM, TO, DefaultRiskRules.compiled(), FOURTH_IN_AN_HOUR,
                RiskFeatureSettings.DEFAULT, 100);

        replay.accept(tx("t1", "a", "a0", FROM.plusSeconds(1)));
        replay.accept(tx("t1", "a", "a0", FROM.plusSeconds(2)));
        replay.accept(TransactionSubmitted.newBuilder(tx("t1", "a", "a1", FROM.plusSeconds(3)))
                .setAmount(new Money("-1", "EUR")).build());

        BacktestReport report = replay.report(0);
        assertThat(report.decided()).isEqualTo(1);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.invalid()).isEqualTo(1);
    }

    @Test
    void failsClearlyBeyondItsAccountLimit() {
        BacktestReplay replay = new BacktestReplay("t1", FROM, TO, DefaultRiskRules.compiled(), FOURTH_IN_AN_HOUR,
                RiskFeatureSettings.DEFAULT, 2);
        replay.accept(tx("t1", "a", "a0", FROM));
        replay.accept(tx("t1", "b", "b0", FROM));

        assertThatThrownBy(() -> replay.accept(tx("t1", "c", "c0", FROM)))
                .isInstanceOf(BacktestTooLargeException.class)
                .hasMessageContaining("more than 2 accounts");
    }

    static TransactionSubmitted tx(String tenant, String account, String id, Instant at) {
        return new TransactionSubmitted(tenant, id, account, new Money("20.00", "EUR"), "grocer", "5411", "DE",
                "device-" + account, "card_present", at, Map.of());
    }
}
