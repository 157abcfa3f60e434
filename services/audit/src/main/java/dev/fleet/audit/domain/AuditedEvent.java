package dev.fleet.audit.domain;

import java.time.Instant;
import java.util.UUID;

/** A recorded audit log row; {@code type} is kept as stored, so rows of since-retired types still read. */
public record AuditedEvent(long seq, UUID eventId, String tenantId, String type, Instant occurredAt, String actor,
        String subject, String producedBy, String payloadJson, Instant recordedAt) {
}
