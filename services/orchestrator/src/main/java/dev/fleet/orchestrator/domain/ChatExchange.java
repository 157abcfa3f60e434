package dev.fleet.orchestrator.domain;

import java.util.List;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.UsageRecorded;

import reactor.core.publisher.Mono;

/**
 * The rest of the fleet as seen while answering one chat request: where its reply, usage and
 * events go, and the knowledge search it may ask. Bound to the request's trace by the messaging
 * layer, so the domain needs to know nothing about Kafka. Each returned Mono completes when the
 * broker has the record.
 */
public interface ChatExchange {

    Mono<Void> reply(ChatChunk chunk);

    /** Publishes usage under {@code eventId}, so a redelivered request produces the same event ids. */
    Mono<Void> usage(String eventId, UsageRecorded usage);

    Mono<Void> event(DomainEvent event);

    /** The {@code topK} passages of the tenant's {@code collection} nearest to {@code query}, best first. */
    Mono<List<ScoredItem>> search(String collection, String query, int topK);

    /** The request's W3C trace context, for records written on its behalf later (the outbox); null: none. */
    default String traceparent() {
        return null;
    }
}
