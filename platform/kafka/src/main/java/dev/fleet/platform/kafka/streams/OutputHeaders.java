package dev.fleet.platform.kafka.streams;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.TraceParent;

/**
 * The fleet's headers for a record a Kafka Streams topology writes (usage-metering's rollups and
 * quota status, the gateway's rate-limit grants): an {@code event-id} derived from what the
 * record says (the same output always gets the same id, so a consumer can dedupe a replayed one),
 * {@code tenant-id}, {@code produced-by} and the trace of the usage that caused it (a new trace when
 * there is none, e.g. for a status written by a punctuation).
 */
public final class OutputHeaders {

    private OutputHeaders() {
    }

    public static Headers of(String identity, String tenantId, Headers cause, String producedBy) {
        String trace = (cause == null ? Optional.<String>empty()
                : FleetHeaders.get(cause, FleetHeaders.TRACEPARENT))
                .flatMap(TraceParent::parse).map(TraceParent::child).orElseGet(TraceParent::newRoot).toString();
        Headers headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, eventId(identity).getBytes(StandardCharsets.UTF_8));
        headers.add(FleetHeaders.TENANT_ID, tenantId.getBytes(StandardCharsets.UTF_8));
        headers.add(FleetHeaders.TRACEPARENT, trace.getBytes(StandardCharsets.UTF_8));
        headers.add(FleetHeaders.PRODUCED_BY, producedBy.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    public static String eventId(String identity) {
        return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
