package dev.fleet.orchestrator.domain;

import java.time.Clock;

import dev.fleet.events.v1.DomainEvent;

/**
 * Builds the orchestrator's {@link DomainEvent}s: one place for the envelope (the service is both
 * actor and producer unless an admin acted), so every event of a request or a change reads the same.
 */
public final class DomainEvents {

    private DomainEvents() {
    }

    /** An event the service itself caused (it is the actor), occurring now by {@code clock}. */
    public static DomainEvent of(Clock clock, String producedBy, String tenantId, String eventId, String subject,
            Object payload) {
        return of(clock, producedBy, producedBy, tenantId, eventId, subject, payload);
    }

    /** An event {@code actor} caused (an admin, an API key id, or a service), occurring now by {@code clock}. */
    public static DomainEvent of(Clock clock, String producedBy, String actor, String tenantId, String eventId,
            String subject, Object payload) {
        return DomainEvent.newBuilder()
                .setEventId(eventId)
                .setTenantId(tenantId)
                .setOccurredAt(clock.instant())
                .setActor(actor)
                .setSubject(subject)
                .setProducedBy(producedBy)
                .setPayload(payload)
                .build();
    }

    /** The subject of everything about one chat request. */
    public static String requestSubject(String requestId) {
        return "request/" + requestId;
    }
}
