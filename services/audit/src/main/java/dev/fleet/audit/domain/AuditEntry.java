package dev.fleet.audit.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

import org.apache.avro.generic.IndexedRecord;

import dev.fleet.events.v1.DomainEvent;

/** A domain event as the audit log records it (times at PostgreSQL's precision, microseconds). */
public record AuditEntry(UUID eventId, String tenantId, AuditEventType type, Instant occurredAt, String actor,
        String subject, String producedBy, String payloadJson) {

    public AuditEntry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payloadJson, "payloadJson");
    }

    /**
     * The entry for {@code event}.
     *
     * @throws IllegalArgumentException when the event id is not a UUID or the payload type is unknown
     */
    public static AuditEntry of(DomainEvent event) {
        AuditEventType type = AuditEventType.of(event.getPayload());
        return new AuditEntry(UUID.fromString(event.getEventId()), event.getTenantId(), type,
                event.getOccurredAt().truncatedTo(ChronoUnit.MICROS),
                event.getActor(), event.getSubject(), event.getProducedBy(),
                PayloadJson.of((IndexedRecord) event.getPayload()));
    }
}
