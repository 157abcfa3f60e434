package dev.fleet.gateway.messaging;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.fleet.events.v1.ItemEvent;
import dev.fleet.gateway.domain.ItemEventPublisher;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.ItemKey;

import reactor.core.publisher.Mono;

/**
 * Publishes item changes on the compacted {@code fleet.items.v1}, keyed
 * {@code tenantId/collection/itemId} so the latest change of an item is what compaction keeps.
 * All events of one call share a trace; each has its own event id.
 */
public class KafkaItemEventPublisher implements ItemEventPublisher {

    private final FleetPublisher publisher;

    public KafkaItemEventPublisher(FleetPublisher publisher) {
        this.publisher = publisher;
    }

    /** The topic key of an item. */
    public static String key(ItemEvent event) {
        return ItemKey.of(event).toString();
    }

    @Override
    public Mono<Void> publish(String tenantId, List<ItemEvent> events) {
        return Acknowledgements.of(events.size() + " item event(s)", () -> {
            EventContext context = EventContext.newEvent(tenantId);
            CompletableFuture<?>[] sent = new CompletableFuture<?>[events.size()];
            for (int i = 0; i < events.size(); i++) {
                sent[i] = publisher.publish(FleetTopics.ITEMS, key(events.get(i)), events.get(i), context);
                context = context.next();
            }
            return CompletableFuture.allOf(sent);
        });
    }
}
