package dev.fleet.gateway.messaging;

import java.util.ArrayList;
import java.util.List;

import dev.fleet.events.v1.ItemEvent;
import dev.fleet.gateway.domain.ItemEventPublisher;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.OrderedSends;
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
        return Mono.defer(() -> {
            OrderedSends sends = publisher.inOrder();
            EventContext context = EventContext.newEvent(tenantId);
            List<Mono<?>> sent = new ArrayList<>(events.size());
            for (ItemEvent event : events) {
                sent.add(sends.send(FleetTopics.ITEMS, key(event), event, context));
                context = context.next();
            }
            return Acknowledgements.of(events.size() + " item event(s)", Mono.when(sent));
        });
    }
}
