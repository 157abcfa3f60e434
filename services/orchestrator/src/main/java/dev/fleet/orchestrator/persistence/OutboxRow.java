package dev.fleet.orchestrator.persistence;

import java.util.UUID;

/**
 * One record waiting in (or written to) the outbox: the encoded value for {@code topic} under
 * {@code key}, with the headers it will be published with.
 *
 * @param id          position in the outbox; 0 for a row not yet inserted
 * @param traceparent W3C trace context of the change, or null
 */
public record OutboxRow(long id, UUID eventId, String topic, String key, byte[] payload, UUID tenantId,
        String traceparent) {
}
