package dev.fleet.orchestrator.messaging;

import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.orchestrator.domain.ChatExchange;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.OrderedSends;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import reactor.core.publisher.Mono;

/**
 * {@link ChatExchange} over Kafka for one request: every record it produces continues the trace of
 * the consumed ChatRequested (a new span each), replies are keyed by request id and go to the
 * partition the requesting gateway replica reads ({@code replyPartition}), usage and domain
 * events by tenant id. Everything goes through one {@link OrderedSends} sequence, so the chunks
 * reach the broker in the order they are subscribed (ChatService subscribes them in seq order)
 * while many are in flight at once.
 */
final class KafkaChatExchange implements ChatExchange {

    private final OrderedSends sends;
    private final KnowledgeClient knowledge;
    private final EventContext context;
    private final Integer replyPartition;

    /** @param replyPartition the request's {@code replyPartition}: where every chunk goes (null: by key) */
    KafkaChatExchange(FleetPublisher publisher, KnowledgeClient knowledge, EventContext context,
            Integer replyPartition) {
        this.sends = publisher.inOrder();
        this.knowledge = knowledge;
        this.context = context;
        this.replyPartition = replyPartition;
    }

    @Override
    public Mono<Void> reply(ChatChunk chunk) {
        return publish(FleetTopics.CHAT_REPLIES, replyPartition, chunk.getRequestId(), chunk, context.next());
    }

    @Override
    public Mono<Void> usage(String eventId, UsageRecorded usage) {
        return publish(FleetTopics.USAGE, null, usage.getTenantId(), usage, context.next().withEventId(eventId));
    }

    @Override
    public Mono<Void> event(DomainEvent event) {
        return publish(FleetTopics.DOMAIN_EVENTS, null, event.getTenantId(), event,
                context.next().withEventId(event.getEventId()));
    }

    @Override
    public Mono<List<ScoredItem>> search(String collection, String query, int topK) {
        return knowledge.search(collection, query, topK, context.next()).map(ScoreResult::getItems);
    }

    @Override
    public String traceparent() {
        return context.trace().toString();
    }

    private <V extends SpecificRecord> Mono<Void> publish(Topic<V> topic, Integer partition, String key, V value,
            EventContext ctx) {
        return sends.send(topic, partition, key, value, ctx).then();
    }
}
