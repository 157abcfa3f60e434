package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;

import dev.fleet.schemas.Topic;

/**
 * The outputs of one consumed record or batch: sent as they are produced, then awaited together, so a batch's
 * offsets are committed only once the broker holds everything it caused (at-least-once). Not
 * thread-safe: one instance per listener invocation.
 */
public final class PendingSends {

    private final FleetPublisher publisher;
    private final List<CompletableFuture<?>> sends = new ArrayList<>();

    public PendingSends(FleetPublisher publisher) {
        this.publisher = publisher;
    }

    public <V extends SpecificRecord> void publish(Topic<V> topic, String key, V value, EventContext context) {
        sends.add(publisher.publish(topic, key, value, context));
    }

    /** A reply: to {@code partition} when the requester named one, else by key. */
    public <V extends SpecificRecord> void publish(Topic<V> topic, Integer partition, String key, V value,
            EventContext context) {
        sends.add(publisher.publish(topic, partition, key, value, context));
    }

    public void tombstone(Topic<?> topic, String key, EventContext context) {
        sends.add(publisher.tombstone(topic, key, context));
    }

    /** A tombstone to {@code partition}, or by key when it is null. */
    public void tombstone(Topic<?> topic, Integer partition, String key, EventContext context) {
        sends.add(publisher.tombstone(topic, partition, key, context));
    }

    /** Waits until every send is acknowledged; fails if one failed or {@code timeout} passed. */
    public void awaitAcknowledged(Duration timeout) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("publishing the outputs of a consumed record or batch failed", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("the outputs of a consumed record or batch were not acknowledged within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing the outputs of a consumed record or batch", e);
        }
    }
}
