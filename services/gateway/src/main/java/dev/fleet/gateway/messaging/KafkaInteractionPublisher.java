package dev.fleet.gateway.messaging;

import java.util.ArrayList;
import java.util.List;

import dev.fleet.events.v1.Interaction;
import dev.fleet.gateway.domain.InteractionPublisher;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.OrderedSends;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Publishes interactions on {@code fleet.interactions.v1}, keyed {@code tenantId/collection} on the collection's
 * partition ({@link CollectionPartition}, the one Kafka's default partitioner gives that key), where the scorer
 * replica holding the collection's vectors reads them. All events of one call share a trace; each has its own
 * event id.
 */
public class KafkaInteractionPublisher implements InteractionPublisher {

    private final FleetPublisher publisher;

    public KafkaInteractionPublisher(FleetPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public Mono<Void> publish(String tenantId, String collection, List<Interaction> interactions) {
        return Mono.defer(() -> {
            OrderedSends sends = publisher.inOrder();
            EventContext context = EventContext.newEvent(tenantId);
            int partition = CollectionPartition.of(tenantId, collection, FleetTopics.INTERACTIONS.partitions());
            String key = tenantId + "/" + collection;
            List<Mono<?>> sent = new ArrayList<>(interactions.size());
            for (Interaction interaction : interactions) {
                sent.add(sends.send(FleetTopics.INTERACTIONS, partition, key, interaction, context));
                context = context.next();
            }
            return Acknowledgements.of(interactions.size() + " interaction(s)", Mono.when(sent));
        });
    }
}
