package dev.fleet.gateway.domain.risk;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.risk.TransactionChecks;
import dev.fleet.platform.risk.TransactionProblem;

import reactor.core.publisher.Mono;

/**
 * Submits a product app's transaction for scoring ({@code POST /v1/risk/transactions}): checks it with
 * the fleet's one set of {@link TransactionChecks}, publishes it, and — when the caller waits — answers
 * with its decision, or "pending" when none arrived within {@code waitTimeout} (the decision still
 * reaches {@code fleet.risk.decisions.v1}; a checkout flow then reads it there or polls its own
 * records). The wait is registered before the transaction is published and released however the
 * request ends. A transaction that fails the checks is refused and nothing is published.
 */
public final class RiskTransactions {

    private final TransactionPublisher publisher;
    private final RiskDecisionWaits waits;
    private final Duration waitTimeout;

    public RiskTransactions(TransactionPublisher publisher, RiskDecisionWaits waits, Duration waitTimeout) {
        this.publisher = publisher;
        this.waits = waits;
        this.waitTimeout = waitTimeout;
    }

    /**
     * Publishes {@code transaction}, whose amount is normalised to a plain decimal string.
     *
     * @throws InvalidTransactionException when it fails the checks (nothing is published)
     */
    public Mono<TransactionOutcome> submit(TransactionSubmitted transaction, boolean wait) {
        List<TransactionProblem> problems = TransactionChecks.problems(transaction);
        if (!problems.isEmpty()) {
            return Mono.error(new InvalidTransactionException(problems));
        }
        TransactionSubmitted normalised = TransactionSubmitted.newBuilder(transaction)
                .setAmount(new Money(TransactionChecks.amount(transaction).toPlainString(),
                        transaction.getAmount().getCurrency()))
                .build();
        String id = normalised.getTransactionId();
        if (!wait) {
            return publisher.publish(normalised).thenReturn(new TransactionOutcome.Accepted(id));
        }
        return Mono.using(
                () -> waits.register(normalised.getTenantId(), normalised.getAccountId(), id),
                registered -> publisher.publish(normalised).then(decided(id, registered)),
                registered -> registered.ifPresent(RiskDecisionWaits.Wait::release));
    }

    private Mono<TransactionOutcome> decided(String id, Optional<RiskDecisionWaits.Wait> registered) {
        TransactionOutcome pending = new TransactionOutcome.Pending(id);
        return registered
                .map(w -> w.decision()
                        .<TransactionOutcome>map(decision -> new TransactionOutcome.Decided(id, decision))
                        .timeout(waitTimeout, Mono.just(pending))
                        .defaultIfEmpty(pending))
                .orElseGet(() -> Mono.just(pending));
    }
}
