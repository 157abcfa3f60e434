package dev.fleet.orchestrator.domain.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskVerdict;

class FourEyesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final FourEyes fourEyes = new FourEyes(new BigDecimal("1000"));

    @Test
    void oneApprovalDecidesAtOrBelowTheAmount() {
        RiskCase atThreshold = riskCase("1000.00");

        assertThat(fourEyes.decides(atThreshold, review("ann", RiskCaseResolution.APPROVED)))
                .contains(List.of("ann"));
    }

    @Test
    void approvalAboveTheAmountWaitsForASecondDistinctReviewer() {
        // given a case above the amount
        RiskCase large = riskCase("1000.01");
        CaseReview first = review("ann", RiskCaseResolution.APPROVED);

        // when the first approves, then another
        Optional<List<String>> afterFirst = fourEyes.decides(large, first);
        Optional<List<String>> afterSecond = fourEyes.decides(large.withReview(first),
                review("bob", RiskCaseResolution.APPROVED));

        // then the first only records; the second decides, both named in order
        assertThat(afterFirst).isEmpty();
        assertThat(afterSecond).contains(List.of("ann", "bob"));
    }

    @Test
    void theSameReviewerTwiceIsAConflict() {
        RiskCase large = riskCase("5000");
        CaseReview first = review("ann", RiskCaseResolution.APPROVED);

        assertThatThrownBy(() -> fourEyes.decides(large.withReview(first), review("ann", RiskCaseResolution.APPROVED)))
                .isInstanceOf(CaseConflictException.class)
                .satisfies(e -> assertThat(((CaseConflictException) e).code()).isEqualTo("same_reviewer"));
    }

    @Test
    void oneDeclineDecidesEvenAboveTheAmountAndAfterAFirstApproval() {
        RiskCase large = riskCase("5000");
        CaseReview first = review("ann", RiskCaseResolution.APPROVED);

        assertThat(fourEyes.decides(large, review("bob", RiskCaseResolution.DECLINED))).contains(List.of("bob"));
        assertThat(fourEyes.decides(large.withReview(first), review("bob", RiskCaseResolution.DECLINED)))
                .contains(List.of("bob"));
    }

    @Test
    void aDecidedCaseTakesNoFurtherReview() {
        RiskCase decided = riskCase("10").decided(RiskCaseResolution.APPROVED, NOW);

        assertThatThrownBy(() -> fourEyes.decides(decided, review("bob", RiskCaseResolution.DECLINED)))
                .isInstanceOf(CaseConflictException.class)
                .satisfies(e -> assertThat(((CaseConflictException) e).code()).isEqualTo("case_decided"));
    }

    private static CaseReview review(String reviewer, RiskCaseResolution resolution) {
        return new CaseReview(reviewer, resolution, "checked", NOW);
    }

    static RiskCase riskCase(String amount) {
        RiskDecision decision = RiskDecision.newBuilder()
                .setTenantId("6f1c2a52-0d47-4d0b-9a57-3a3f3f7c2b10")
                .setTransactionId("tx-1")
                .setAccountId("acct-1")
                .setAmount(new Money(amount, "EUR"))
                .setVerdict(RiskVerdict.REVIEW)
                .setScore(60)
                .setReasons(List.of())
                .setFeatures(RiskFeatures.newBuilder().setCount1m(1).setSum1m(1).setCount1h(1).setSum1h(1)
                        .setCount24h(1).setSum24h(1).setDistinctDevices24h(1).setDistinctCountries24h(1)
                        .setAmountZScore(0).setHistoryCount(0).setFirstTimeAtMerchant(true).setSecondsSincePrevious(-1)
                        .setCountryChanged(false).setImpossibleTravel(false).build())
                .setRuleSetVersion(0)
                .setOccurredAt(NOW)
                .setDecidedAt(NOW)
                .build();
        return RiskCase.open(decision, NOW, Duration.ofHours(4));
    }
}
