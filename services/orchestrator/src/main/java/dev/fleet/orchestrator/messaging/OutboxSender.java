package dev.fleet.orchestrator.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.platform.kafka.UnknownSchemaException;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends outbox rows through the {@link FleetPublisher}, in id order, with each row's event id,
 * tenant and trace, and reports how each send ended: acknowledged, never publishable (to be parked:
 * a payload that does not decode, a topic outside the catalog, a record too large or unserializable)
 * or worth retrying (broker away, timeout, a writer schema this replica does not know yet). Used by
 * the {@link OutboxRelay} and by {@link OutboxDelivery}; it touches no database.
 */
final class OutboxSender {

    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);

    private final FleetPublisher publisher;
    private final FleetSerde serde;

    OutboxSender(FleetPublisher publisher, FleetSerde serde) {
        this.publisher = publisher;
        this.serde = serde;
    }

    /**
     * Sends all rows in order (stopping early after a synchronous transient failure), then returns
     * the longest prefix that is settled: acknowledged, or never publishable. Each acknowledgement
     * is awaited at most {@code sendTimeout}.
     */
    Mono<List<Delivery>> publishInOrder(List<OutboxRow> rows, Duration sendTimeout) {
        return Mono.defer(() -> {
            List<Mono<Delivery>> deliveries = new ArrayList<>(rows.size());
            for (OutboxRow row : rows) {
                CompletableFuture<?> sent = send(row);
                deliveries.add(Mono.fromFuture(sent, true)
                        .timeout(sendTimeout)
                        .thenReturn(Delivery.published(row))
                        .onErrorResume(e -> Mono.just(failed(row, e))));
                if (sent.isCompletedExceptionally() && unpublishable(sent.handle((value, e) -> e).join()).isEmpty()) {
                    break; // a transient failure: the rest would be re-sent anyway; don't flood a failing producer
                }
            }
            return Flux.concat(deliveries).takeWhile(d -> d.outcome() != Outcome.RETRY).collectList();
        })
                .subscribeOn(Schedulers.boundedElastic()) // a send can block while the producer fetches metadata
                .publishOn(Schedulers.boundedElastic()); // acks complete on the producer's I/O thread: leave it
    }

    private static Delivery failed(OutboxRow row, Throwable e) {
        Optional<String> poison = unpublishable(e);
        if (poison.isPresent()) {
            return Delivery.parked(row, poison.get());
        }
        log.warn("outbox row {} (event {}, topic {}) not published: {}", row.id(), row.eventId(), row.topic(),
                e.toString());
        return Delivery.retry(row);
    }

    /**
     * Why a send failure means the row can never be published, in words fit for the outbox and the
     * log (exception messages are left out: a decoder's may quote payload bytes); empty when a
     * later attempt may succeed.
     */
    private static Optional<String> unpublishable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof UnpublishableRowException poison) {
                return Optional.of(poison.getMessage());
            }
            if (e instanceof UnknownSchemaException) {
                return Optional.empty(); // written by a newer replica, which can relay it: wait for it
            }
            if (e instanceof RecordTooLargeException) {
                return Optional.of("rejected as too large (" + e.getClass().getSimpleName() + ")");
            }
            if (e instanceof SerializationException) {
                return Optional.of("cannot be serialized (" + e.getClass().getSimpleName() + ")");
            }
        }
        return Optional.empty();
    }

    private CompletableFuture<?> send(OutboxRow row) {
        try {
            Topic<?> topic = FleetTopics.byName(row.topic())
                    .orElseThrow(() -> new UnpublishableRowException("topic is not in the catalog"));
            return send(topic, row);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <V extends SpecificRecord> CompletableFuture<?> send(Topic<V> topic, OutboxRow row) {
        V value;
        try {
            value = row.payload() == null ? null : serde.deserialize(topic, row.payload()); // null: a tombstone
        } catch (UnknownSchemaException e) {
            throw e;
        } catch (SerializationException e) {
            throw new UnpublishableRowException("payload does not decode as " + topic.valueType().getSimpleName()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        TraceParent trace = TraceParent.parse(row.traceparent()).orElseGet(TraceParent::newRoot);
        EventContext context = new EventContext(row.tenantId().toString(), row.eventId().toString(), trace);
        return publisher.publish(topic, row.key(), value, context);
    }

    /** A row that can never be published; the message is the reason stored with it. */
    private static final class UnpublishableRowException extends RuntimeException {
        UnpublishableRowException(String reason) {
            super(reason, null, false, false);
        }
    }

    enum Outcome {
        PUBLISHED, PARKED, RETRY
    }

    /** How one row's send ended; {@code failure} says why a parked row can never be published. */
    record Delivery(OutboxRow row, Outcome outcome, String failure) {
        static Delivery published(OutboxRow row) {
            return new Delivery(row, Outcome.PUBLISHED, null);
        }

        static Delivery parked(OutboxRow row, String failure) {
            return new Delivery(row, Outcome.PARKED, failure);
        }

        static Delivery retry(OutboxRow row) {
            return new Delivery(row, Outcome.RETRY, null);
        }
    }
}
