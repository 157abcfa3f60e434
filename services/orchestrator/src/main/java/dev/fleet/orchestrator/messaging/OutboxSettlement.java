package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.orchestrator.messaging.OutboxSender.Delivery;
import dev.fleet.orchestrator.messaging.OutboxSender.Outcome;
import dev.fleet.orchestrator.persistence.OutboxRepository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Records how sends ended, in the publishing transaction: acknowledged rows are marked published,
 * rows that can never be published are parked with their reason (logged at ERROR with row and event
 * id, never payload bytes) so later rounds skip them.
 */
final class OutboxSettlement {

    private static final Logger log = LoggerFactory.getLogger(OutboxSettlement.class);

    private final OutboxRepository outbox;
    private final Clock clock;

    OutboxSettlement(OutboxRepository outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Settles {@code deliveries}, which must hold no {@link Outcome#RETRY}. */
    Mono<Void> settle(List<Delivery> deliveries) {
        Instant now = clock.instant();
        List<Long> published = deliveries.stream().filter(d -> d.outcome() == Outcome.PUBLISHED)
                .map(d -> d.row().id()).toList();
        return Flux.fromIterable(deliveries)
                .filter(d -> d.outcome() == Outcome.PARKED)
                .concatMap(d -> outbox.markFailed(d.row().id(), d.failure(), now).doOnSuccess(updated -> log.error(
                        "outbox row {} (event {}, topic {}) can never be published: {}; parked it, later rows go on",
                        d.row().id(), d.row().eventId(), d.row().topic(), d.failure())))
                .then(outbox.markPublished(published, now))
                .then();
    }
}
