package dev.fleet.gateway.domain.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskVerdict;

import reactor.test.StepVerifier;

class RiskDecisionWaitsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final RiskDecisionWaits waits = new RiskDecisionWaits(2, Duration.ofSeconds(10), nanos::get);

    @Test
    void handsTheDecisionToTheWaitOfItsTenantAndTransaction() {
        // given
        RiskDecisionWaits.Wait wait = waits.register("t1", "acct", "tx").orElseThrow();
        // when a decision of another tenant's same transaction id, then the right one, arrive
        waits.accept(decision("t2", "acct", "tx", RiskVerdict.DECLINE));
        waits.accept(decision("t1", "acct", "tx", RiskVerdict.APPROVE));
        // then
        StepVerifier.create(wait.decision()).assertNext(d -> {
            assertThat(d.getTenantId()).isEqualTo("t1");
            assertThat(d.getVerdict()).isEqualTo(RiskVerdict.APPROVE);
        }).verifyComplete();
    }

    @Test
    void awaitsOnlyTheAccountsOfRegisteredWaitsUntilTheyAreReleased() {
        // given
        RiskDecisionWaits.Wait wait = waits.register("t1", "acct", "tx").orElseThrow();
        // then
        assertThat(waits.awaits("t1/acct")).isTrue();
        assertThat(waits.awaits("t1/other")).isFalse();
        // when
        wait.release();
        wait.release();
        // then
        assertThat(waits.awaits("t1/acct")).isFalse();
        assertThat(waits.size()).isZero();
    }

    @Test
    void twoRequestsForOneTransactionShareItsWaitUntilBothRelease() {
        // given
        RiskDecisionWaits.Wait first = waits.register("t1", "acct", "tx").orElseThrow();
        RiskDecisionWaits.Wait second = waits.register("t1", "acct", "tx").orElseThrow();
        assertThat(waits.size()).isEqualTo(1);
        // when
        first.release();
        waits.accept(decision("t1", "acct", "tx", RiskVerdict.REVIEW));
        // then
        StepVerifier.create(second.decision()).assertNext(d -> assertThat(d.getVerdict()).isEqualTo(RiskVerdict.REVIEW))
                .verifyComplete();
        second.release();
        assertThat(waits.size()).isZero();
    }

    @Test
    void refusesWaitsBeyondTheBound() {
        // given
        waits.register("t1", "a", "tx-1").orElseThrow();
        waits.register("t1", "b", "tx-2").orElseThrow();
        // when / then
        assertThat(waits.register("t1", "c", "tx-3")).isEmpty();
        assertThat(waits.refused()).isEqualTo(1);
        assertThat(waits.awaits("t1/c")).isFalse();
    }

    @Test
    void dropsWaitsNobodyReleasedOnceTheyAreStale() {
        // given two waits whose requests never released them, and the table full
        RiskDecisionWaits.Wait leaked = waits.register("t1", "a", "tx-1").orElseThrow();
        waits.register("t1", "b", "tx-2").orElseThrow();
        // when they are older than staleAfter
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        // then a new wait is accepted, and the stale ones end empty
        assertThat(waits.register("t1", "c", "tx-3")).isPresent();
        assertThat(waits.dropped()).isEqualTo(2);
        assertThat(waits.awaits("t1/a")).isFalse();
        StepVerifier.create(leaked.decision()).verifyComplete();
    }

    static RiskDecision decision(String tenantId, String accountId, String transactionId, RiskVerdict verdict) {
        return RiskDecision.newBuilder().setTenantId(tenantId).setTransactionId(transactionId).setAccountId(accountId)
                .setAmount(new Money("1", "EUR")).setVerdict(verdict).setScore(0).setReasons(List.of())
                .setFeatures(RiskFeatures.newBuilder().setCount1m(1).setSum1m(1).setCount1h(1).setSum1h(1)
                        .setCount24h(1).setSum24h(1).setDistinctDevices24h(1).setDistinctCountries24h(1)
                        .setAmountZScore(0).setHistoryCount(0).setFirstTimeAtMerchant(true)
                        .setSecondsSincePrevious(-1).setCountryChanged(false).setImpossibleTravel(false).build())
                .setRuleSetVersion(0).setOccurredAt(Instant.EPOCH).setDecidedAt(Instant.EPOCH).build();
    }
}
