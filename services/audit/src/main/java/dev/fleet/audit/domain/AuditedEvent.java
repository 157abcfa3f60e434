package dev.fleet.audit.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A recorded audit log row; {@code type} is kept as stored, so rows of since-retired types still read.
 * {@code chainPosition}, {@code previousHash} and {@code hash} are null on rows recorded before the
 * log was hash-chained (decision 0020).
 */
public record AuditedEvent(long seq, UUID eventId, String tenantId, String type, Instant occurredAt, String actor,
        String subject, String producedBy, String payloadJson, Instant recordedAt, Long chainPosition,
        byte[] previousHash, byte[] hash) {

    /** A row before chaining, or a test's. */
    public AuditedEvent(long seq, UUID eventId, String tenantId, String type, Instant occurredAt, String actor,
            String subject, String producedBy, String payloadJson, Instant recordedAt) {
        this(seq, eventId, tenantId, type, occurredAt, actor, subject, producedBy, payloadJson, recordedAt, null,
                null, null);
    }
}
