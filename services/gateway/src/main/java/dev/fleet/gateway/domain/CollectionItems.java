package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;

import reactor.core.publisher.Mono;

/**
 * Accepts changes to a tenant's knowledge collection as {@link ItemEvent}s; the embedding-worker
 * and scorer make them searchable asynchronously (eventually, typically within seconds).
 * Upserts and deletes are idempotent, so a client may safely retry. An upsert is checked against the
 * tenant's item limits ({@link ItemStorageLimits}) before anything is published.
 */
public final class CollectionItems {

    private final ItemEventPublisher publisher;
    private final ItemStorageLimits limits;
    private final Clock clock;

    public CollectionItems(ItemEventPublisher publisher, ItemStorageLimits limits, Clock clock) {
        this.publisher = publisher;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Publishes one upsert per item; emits how many were accepted, or fails with
     * {@link ItemTooLargeException} or {@link ItemQuotaExceededException} having published nothing.
     */
    public Mono<Integer> upsert(String tenantId, String collection, List<ItemUpsert> items) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            List<ItemUpserted> upserts = items.stream()
                    .map(item -> new ItemUpserted(item.text(), item.metadata()))
                    .toList();
            ItemStorageLimits.Reservation reservation = limits.admit(tenantId, upserts);
            List<ItemEvent> events = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                events.add(event(tenantId, collection, items.get(i).id(), now, upserts.get(i)));
            }
            return publisher.publish(tenantId, events)
                    .doOnError(e -> limits.release(reservation))
                    .thenReturn(events.size());
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
