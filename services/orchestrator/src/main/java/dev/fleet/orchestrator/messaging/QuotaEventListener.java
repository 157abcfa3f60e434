package dev.fleet.orchestrator.messaging;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.orchestrator.domain.webhooks.QuotaWebhooks;

/**
 * Turns usage-metering's quota transitions on {@code fleet.domain.events.v1} into webhook
 * deliveries, in a consumer group of its own ({@code orchestrator-webhooks}), so it neither shares
 * offsets with nor slows anything else. The listener only writes the delivery row (idempotent on
 * the event id: a redelivered event writes nothing) and waits for it, bounded, before its offset is
 * committed; the HTTP calls are {@code WebhookDeliverer}'s, on other threads.
 * <p>
 * Errors: the fleet's policy — a record that does not decode, or whose ids are not UUIDs, is retried
 * and dead-lettered to {@code fleet.domain.events.v1.dlq}; a database outage is retried for as long as it lasts.
 */
public class QuotaEventListener {

    /** The listener container's id and consumer group. */
    public static final String GROUP = "orchestrator-webhooks";

    private final QuotaWebhooks webhooks;
    private final Duration writeTimeout;

    public QuotaEventListener(QuotaWebhooks webhooks, Duration writeTimeout) {
        this.webhooks = webhooks;
        this.writeTimeout = writeTimeout;
    }

    @KafkaListener(id = GROUP, topics = "#{T(dev.fleet.schemas.FleetTopics).DOMAIN_EVENTS.name()}")
    void on(ConsumerRecord<String, DomainEvent> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("a domain event without a value (tombstone)");
        }
        webhooks.record(record.value()).block(writeTimeout);
    }
}
