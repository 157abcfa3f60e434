package dev.fleet.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.common.header.Headers;

/**
 * What a record to publish needs besides key and value: its tenant, its event id (the
 * consumer-side idempotency key) and the trace it continues.
 */
public record EventContext(String tenantId, String eventId, TraceParent trace) {

    public EventContext {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(trace, "trace");
    }

    /**
     * A new event of {@code tenantId}, in the trace of the span current on this thread (an HTTP
     * request's) if there is one, else starting a new trace.
     */
    public static EventContext newEvent(String tenantId) {
        return new EventContext(tenantId, RandomIds.uuidString(), TraceParent.currentOrNewRoot());
    }

    /**
     * A new event caused by a consumed record: same tenant, same trace. Its parent span is the
     * listener's consumer span when that is current on this thread, else a new span id under the
     * record's.
     */
    public static EventContext causedBy(Headers headers, String fallbackTenantId) {
        String tenant = FleetHeaders.get(headers, FleetHeaders.TENANT_ID).orElse(fallbackTenantId);
        Optional<TraceParent> current = TraceParent.current();
        TraceParent trace = FleetHeaders.get(headers, FleetHeaders.TRACEPARENT).flatMap(TraceParent::parse)
                .map(cause -> current.filter(span -> span.traceId().equals(cause.traceId()))
                        .orElseGet(cause::child))
                .orElseGet(() -> current.orElseGet(TraceParent::newRoot));
        return new EventContext(tenant, RandomIds.uuidString(), trace);
    }

    /**
     * The one event of kind {@code purpose} that a consumed record causes, with an event id derived
     * from the record's {@code event-id} — reprocessing the record yields the same id, so consumers
     * that dedupe on it count the effect once (e.g. usage). Random when the record has no event id.
     */
    public static EventContext derivedFrom(Headers cause, String fallbackTenantId, String purpose) {
        EventContext context = causedBy(cause, fallbackTenantId);
        return FleetHeaders.get(cause, FleetHeaders.EVENT_ID)
                .map(parent -> context.withEventId(derivedId(parent, purpose)))
                .orElse(context);
    }

    /** The fleet's one derivation of an event id from its cause's id and the effect's purpose (a name-based UUID). */
    public static String derivedId(String causeId, String purpose) {
        return UUID.nameUUIDFromBytes((causeId + "/" + purpose).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The same context with a given event id (e.g. an outbox row's, so a re-publish keeps it). */
    public EventContext withEventId(String id) {
        return new EventContext(tenantId, id, trace);
    }

    /** A further event in the same trace. */
    public EventContext next() {
        return new EventContext(tenantId, RandomIds.uuidString(), trace.child());
    }
}
