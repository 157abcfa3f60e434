package dev.fleet.platform.kafka;

import java.util.concurrent.CompletableFuture;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import dev.fleet.schemas.Topic;

import io.opentelemetry.context.Scope;

import reactor.core.publisher.Mono;

/**
 * Publishes catalog-typed records with the fleet's headers through the idempotent producer.
 * The only way services write to Kafka. Each record's producer span (when tracing is on) continues
 * the trace of its {@link EventContext}.
 */
public class FleetPublisher {

    private final KafkaTemplate<String, SpecificRecord> template;
    private final String producedBy;

    public FleetPublisher(KafkaTemplate<String, SpecificRecord> template, String producedBy) {
        this.template = template;
        this.producedBy = producedBy;
    }

    /**
     * Sends {@code value} keyed by {@code key}; the future completes when the broker acknowledged it.
     * <p>
     * Two cautions, which {@link #send} takes care of: the call may block for up to
     * {@code max.block.ms} while the producer fetches metadata (never call it on an event loop), and
     * the future completes on the producer's I/O thread (never publish again, or block, from a
     * callback chained onto it).
     */
    public <V extends SpecificRecord> CompletableFuture<SendResult<String, SpecificRecord>> publish(
            Topic<V> topic, String key, V value, EventContext context) {
        return send(record(topic, null, key, value, context), context);
    }

    /**
     * {@link #publish} to a given partition, or by key when {@code partition} is null: how a reply
     * reaches the partition its requester reads ({@code replyPartition} of the request).
     */
    public <V extends SpecificRecord> CompletableFuture<SendResult<String, SpecificRecord>> publish(
            Topic<V> topic, Integer partition, String key, V value, EventContext context) {
        return send(record(topic, partition, key, value, context), context);
    }

    /**
     * {@link #publish} for reactive code, one record: handed to the producer off the event loop, the
     * acknowledgement delivered off the producer's I/O thread. Several records whose order matters
     * (chat chunks) go through one {@link #inOrder()} sequence instead; independent sends of this
     * method may reach the producer in any order.
     */
    public <V extends SpecificRecord> Mono<SendResult<String, SpecificRecord>> send(Topic<V> topic, String key,
            V value, EventContext context) {
        return inOrder().send(topic, key, value, context);
    }

    /** A new sequence whose sends reach the producer in the order they are subscribed (see {@link OrderedSends}). */
    public OrderedSends inOrder() {
        return new OrderedSends(this);
    }

    /** Sends a tombstone (null value) for {@code key} of a compacted topic. */
    public CompletableFuture<SendResult<String, SpecificRecord>> tombstone(
            Topic<?> topic, String key, EventContext context) {
        return send(record(topic, null, key, null, context), context);
    }

    /** {@link #tombstone} to a given partition (a topic whose producers choose partitions themselves). */
    public CompletableFuture<SendResult<String, SpecificRecord>> tombstone(
            Topic<?> topic, Integer partition, String key, EventContext context) {
        return send(record(topic, partition, key, null, context), context);
    }

    /** The application name this publisher stamps into {@code produced-by}. */
    public String producedBy() {
        return producedBy;
    }

    /**
     * Hands {@code record} to the producer in the event's trace: with tracing on, the template's
     * producer span continues it and replaces the {@code traceparent} written here with its own.
     */
    private CompletableFuture<SendResult<String, SpecificRecord>> send(ProducerRecord<String, SpecificRecord> record,
            EventContext context) {
        try (Scope trace = TraceContinuation.of(context.trace())) {
            return template.send(record);
        }
    }

    private ProducerRecord<String, SpecificRecord> record(Topic<?> topic, Integer partition, String key,
            SpecificRecord value, EventContext context) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topic.name(), partition, key, value);
        FleetHeaders.put(record.headers(), FleetHeaders.EVENT_ID, context.eventId());
        FleetHeaders.put(record.headers(), FleetHeaders.TENANT_ID, context.tenantId());
        FleetHeaders.put(record.headers(), FleetHeaders.TRACEPARENT, context.trace().toString());
        FleetHeaders.put(record.headers(), FleetHeaders.PRODUCED_BY, producedBy);
        return record;
    }
}
