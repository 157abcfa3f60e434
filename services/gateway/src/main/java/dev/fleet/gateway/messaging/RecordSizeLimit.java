package dev.fleet.gateway.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.avro.specific.SpecificRecord;

import dev.fleet.gateway.domain.RequestTooLargeException;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.Topic;

/**
 * Refuses a record before it is published when its encoded size (the fleet's serde, so exactly
 * the bytes the producer would send) plus its key and a fixed allowance for headers and batch
 * framing exceeds {@code maxRecordBytes}, the smaller of the topic's {@code max.message.bytes}
 * and the producer's {@code max.request.size}. So an oversized request becomes a clean 400,
 * never a {@code RecordTooLargeException} from the producer or broker.
 * <p>
 * Limits: {@code maxRecordBytes} is configured, not read from the broker; keep it at or below
 * the request topics' {@code max.message.bytes}. The encoding is done twice for a record that
 * passes (here and in the producer), which costs microseconds next to the round trip.
 */
public class RecordSizeLimit {

    /** Record batch and record framing plus the fleet's four headers, generously rounded up. */
    static final int FRAMING_ALLOWANCE = 1024;

    private final FleetSerde serde;
    private final int maxRecordBytes;

    public RecordSizeLimit(FleetSerde serde, int maxRecordBytes) {
        this.serde = serde;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** @throws RequestTooLargeException when {@code value} keyed {@code key} would not fit into {@code topic} */
    public <V extends SpecificRecord> void check(Topic<V> topic, String key, V value, String what) {
        int keyBytes = key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length;
        int size = serde.serialize(topic.name(), value).length + keyBytes + FRAMING_ALLOWANCE;
        if (size > maxRecordBytes) {
            throw new RequestTooLargeException(what, size, maxRecordBytes);
        }
    }
}
