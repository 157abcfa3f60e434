package dev.fleet.gateway.domain.risk;

import dev.fleet.events.v1.TransactionSubmitted;

import reactor.core.publisher.Mono;

/** Publishes transactions for scoring. */
public interface TransactionPublisher {

    /**
     * Publishes {@code transaction}; completes when it is acknowledged, fails with
     * {@link dev.fleet.gateway.domain.EventBusUnavailableException} otherwise (re-sending is safe: the
     * event id is derived from the tenant and transaction id).
     */
    Mono<Void> publish(TransactionSubmitted transaction);
}
