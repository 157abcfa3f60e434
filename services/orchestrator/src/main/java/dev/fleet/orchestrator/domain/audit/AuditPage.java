package dev.fleet.orchestrator.domain.audit;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * One page of a tenant's audit log, in recording order; {@code nextAfterSequence} is the cursor of
 * the next page, empty when this page was not full (no further events yet).
 */
public record AuditPage(List<Entry> entries, OptionalLong nextAfterSequence) {

    public AuditPage {
        entries = List.copyOf(entries);
    }

    /**
     * One recorded event. {@code chainPosition} and {@code hash} (hex) are null for rows recorded
     * before the log was chained; {@code payloadJson} is the payload as recorded, JSON text.
     */
    public record Entry(long sequence, Long chainPosition, UUID eventId, String type, String subject, String actor,
            String producedBy, Instant occurredAt, Instant recordedAt, String payloadJson, String hash) {
    }
}
