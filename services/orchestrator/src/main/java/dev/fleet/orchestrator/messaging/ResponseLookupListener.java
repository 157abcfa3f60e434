package dev.fleet.orchestrator.messaging;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

import dev.fleet.events.v1.ResponseLookup;
import dev.fleet.events.v1.ResponseLookupResult;
import dev.fleet.orchestrator.domain.responses.ResponseLookups;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.schemas.FleetTopics;

/**
 * Answers the gateway's lookups of stored responses ({@code fleet.responses.lookups.v1}) in a
 * consumer group of its own ({@value #GROUP}): each gets a {@code ResponseLookupResult} keyed by its
 * request id on the partition the asking replica reads, and the offset is committed once the broker
 * acknowledged it. A redelivered DELETE answers not found (the response is gone; the client's retry
 * after a lost reply would see the same from OpenAI).
 */
public class ResponseLookupListener {

    /** The listener container's id and consumer group. */
    public static final String GROUP = "orchestrator-response-lookups";

    private final ResponseLookups lookups;
    private final FleetPublisher publisher;
    private final Duration timeout;

    /** @param timeout bound on the store's answer and on the broker's acknowledgement, each */
    public ResponseLookupListener(ResponseLookups lookups, FleetPublisher publisher, Duration timeout) {
        this.lookups = lookups;
        this.publisher = publisher;
        this.timeout = timeout;
    }

    @KafkaListener(id = GROUP, topics = "#{T(dev.fleet.schemas.FleetTopics).RESPONSE_LOOKUPS.name()}")
    void on(ConsumerRecord<String, ResponseLookup> record) {
        ResponseLookup lookup = record.value();
        if (lookup == null) {
            throw new IllegalArgumentException("response lookup " + record.key() + " has no value");
        }
        ResponseLookupResult result = lookups.answer(lookup).block(timeout);
        PendingSends sends = new PendingSends(publisher);
        sends.publish(FleetTopics.RESPONSE_LOOKUP_RESULTS, lookup.getReplyPartition(), lookup.getRequestId(), result,
                EventContext.causedBy(record.headers(), lookup.getTenantId()));
        sends.awaitAcknowledged(timeout);
    }
}
