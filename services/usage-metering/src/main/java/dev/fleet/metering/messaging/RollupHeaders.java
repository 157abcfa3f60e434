package dev.fleet.metering.messaging;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import dev.fleet.events.v1.UsageRollup;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.TraceParent;

/**
 * Gives each rollup update the fleet's headers. Kafka Streams carries the headers of the usage
 * record that caused an update; this replaces its {@code event-id} with one derived from the
 * rollup's key and total (the same update always gets the same id, so a consumer can dedupe a
 * replayed one), sets {@code tenant-id} and {@code produced-by} (the service running the topology),
 * and continues the trace.
 */
final class RollupHeaders implements FixedKeyProcessor<String, UsageRollup, UsageRollup> {

    private final String producedBy;
    private FixedKeyProcessorContext<String, UsageRollup> context;

    RollupHeaders(String producedBy) {
        this.producedBy = producedBy;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UsageRollup> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, UsageRollup> record) {
        Headers headers = record.headers();
        String eventId = UUID.nameUUIDFromBytes((record.key() + "@" + record.value().getQuantity())
                .getBytes(StandardCharsets.UTF_8)).toString();
        String trace = FleetHeaders.get(headers, FleetHeaders.TRACEPARENT).flatMap(TraceParent::parse)
                .map(TraceParent::child).orElseGet(TraceParent::newRoot).toString();
        replace(headers, FleetHeaders.EVENT_ID, eventId);
        replace(headers, FleetHeaders.TENANT_ID, record.value().getTenantId());
        replace(headers, FleetHeaders.TRACEPARENT, trace);
        replace(headers, FleetHeaders.PRODUCED_BY, producedBy);
        context.forward(record);
    }

    private static void replace(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
