package dev.fleet.gateway.domain.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;

import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RiskTransactionsTest {

    private final List<TransactionSubmitted> published = new ArrayList<>();
    private final RiskDecisionWaits waits = new RiskDecisionWaits(1, Duration.ofMinutes(1));

    @Test
    void publishesTheTransactionWithItsAmountAsAPlainDecimal() {
        // given
        RiskTransactions transactions = transactions(tx -> { }, Duration.ofSeconds(1));
        // when / then
        StepVerifier.create(transactions.submit(transaction("tx", "1.2E+3"), false))
                .assertNext(outcome -> assertThat(outcome).isEqualTo(new TransactionOutcome.Accepted("tx")))
                .verifyComplete();
        assertThat(published).singleElement()
                .satisfies(tx -> assertThat(tx.getAmount().getAmount()).isEqualTo("1200"));
    }

    @Test
    void refusesAnInvalidTransactionAndPublishesNothing() {
        RiskTransactions transactions = transactions(tx -> { }, Duration.ofSeconds(1));
        StepVerifier.create(transactions.submit(transaction("tx", "-1"), true))
                .expectErrorSatisfies(e -> assertThat(((InvalidTransactionException) e).problems())
                        .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("amount")))
                .verify();
        assertThat(published).isEmpty();
        assertThat(waits.size()).isZero();
    }

    @Test
    void registersTheWaitBeforePublishingSoAnImmediateDecisionIsSeen() {
        // given a scorer so fast that the decision arrives while the publish is being acknowledged
        RiskTransactions transactions = transactions(tx -> waits.accept(RiskDecisionWaitsTest.decision(
                tx.getTenantId(), tx.getAccountId(), tx.getTransactionId(), RiskVerdict.DECLINE)), Duration.ofSeconds(5));
        // when / then
        StepVerifier.create(transactions.submit(transaction("tx", "10"), true))
                .assertNext(outcome -> assertThat(((TransactionOutcome.Decided) outcome).decision().getVerdict())
                        .isEqualTo(RiskVerdict.DECLINE))
                .verifyComplete();
        assertThat(waits.size()).isZero();
    }

    @Test
    void answersPendingAndReleasesTheWaitWhenNoDecisionArrivesInTime() {
        RiskTransactions transactions = transactions(tx -> { }, Duration.ofMillis(50));
        StepVerifier.create(transactions.submit(transaction("tx", "10"), true))
                .assertNext(outcome -> assertThat(outcome).isEqualTo(new TransactionOutcome.Pending("tx")))
                .verifyComplete();
        assertThat(waits.size()).isZero();
        assertThat(published).hasSize(1);
    }

    @Test
    void answersPendingAtOnceWhenNoWaitCanBeRegistered() {
        // given the one wait this replica allows is taken
        waits.register("other", "acct", "tx-other").orElseThrow();
        RiskTransactions transactions = transactions(tx -> { }, Duration.ofMinutes(1));
        // when / then: published, and not waited for
        StepVerifier.create(transactions.submit(transaction("tx", "10"), true))
                .assertNext(outcome -> assertThat(outcome).isEqualTo(new TransactionOutcome.Pending("tx")))
                .verifyComplete();
        assertThat(published).hasSize(1);
    }

    private RiskTransactions transactions(Consumer<TransactionSubmitted> onPublish, Duration waitTimeout) {
        return new RiskTransactions(tx -> Mono.fromRunnable(() -> {
            published.add(tx);
            onPublish.accept(tx);
        }), waits, waitTimeout);
    }

    private static TransactionSubmitted transaction(String id, String amount) {
        return new TransactionSubmitted("tenant", id, "acct", new Money(amount, "EUR"), "shop", "5411", "DE", null,
                "ecommerce", Instant.parse("2026-12-01T10:00:00Z"), Map.of());
    }
}
