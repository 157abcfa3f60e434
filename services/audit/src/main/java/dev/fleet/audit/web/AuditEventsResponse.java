package dev.fleet.audit.web;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.fleet.audit.domain.AuditedEvent;
import dev.fleet.audit.domain.ChainHead;

/** The body of {@code GET /audit/events}; an event is also one line of the JSONL export. Hashes in hex. */
record AuditEventsResponse(@JsonProperty("events") List<Event> events) {

    record Event(
            @JsonProperty("seq") long seq,
            @JsonProperty("event_id") UUID eventId,
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("type") String type,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("actor") String actor,
            @JsonProperty("subject") String subject,
            @JsonProperty("produced_by") String producedBy,
            @JsonProperty("payload") @JsonRawValue String payload,
            @JsonProperty("recorded_at") Instant recordedAt,
            @JsonProperty("chain_position") Long chainPosition,
            @JsonProperty("prev_hash") String previousHash,
            @JsonProperty("hash") String hash) {

        static Event of(AuditedEvent e) {
            return new Event(e.seq(), e.eventId(), e.tenantId(), e.type(), e.occurredAt(), e.actor(), e.subject(),
                    e.producedBy(), e.payloadJson(), e.recordedAt(), e.chainPosition(), ChainHead.hex(e.previousHash()),
                    ChainHead.hex(e.hash()));
        }
    }
}
