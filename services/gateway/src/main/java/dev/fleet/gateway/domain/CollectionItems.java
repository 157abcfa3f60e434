package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;

import reactor.core.publisher.Mono;

/**
 * Accepts changes to a tenant's knowledge collection as {@link ItemEvent}s; the embedding-worker
 * and scorer make them searchable asynchronously (eventually, typically within seconds).
 * Upserts and deletes are idempotent, so a client may safely retry.
 */
public final class CollectionItems {

    private final ItemEventPublisher publisher;
    private final Clock clock;

    public CollectionItems(ItemEventPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Publishes one upsert per item; emits how many were accepted. */
    public Mono<Integer> upsert(String tenantId, String collection, List<ItemUpsert> items) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            List<ItemEvent> events = items.stream()
                    .map(item -> event(tenantId, collection, item.id(), now,
                            new ItemUpserted(item.text(), item.metadata())))
                    .toList();
            return publisher.publish(tenantId, events).thenReturn(events.size());
        });
    }

    /** Publishes the deletion of one item. */
    public Mono<Void> delete(String tenantId, String collection, String itemId) {
        return Mono.defer(() -> publisher.publish(tenantId,
                List.of(event(tenantId, collection, itemId, clock.instant(), new ItemDeleted()))));
    }

    private static ItemEvent event(String tenantId, String collection, String itemId, Instant at, Object change) {
        return ItemEvent.newBuilder()
                .setTenantId(tenantId)
                .setCollection(collection)
                .setItemId(itemId)
                .setChange(change)
                .setOccurredAt(at)
                .build();
    }
}
