package dev.fleet.orchestrator.domain.billing;

import reactor.core.publisher.Mono;

/**
 * Tells the fleet about a new price book version: the version on the compacted
 * {@code fleet.price-book.v1} and a {@code PriceBookPublished} domain event, through the transactional
 * outbox (so each call runs in the transaction that wrote the version).
 */
public interface PriceBookEvents {

    Mono<Void> priceBookPublished(PriceBookVersion version, String actor);

    /** Publishes the version before the commit and waits for Kafka's acknowledgement (read-your-writes). */
    Mono<Void> deliver();
}
