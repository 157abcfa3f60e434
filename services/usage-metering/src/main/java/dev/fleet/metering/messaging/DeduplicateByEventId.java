package dev.fleet.metering.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import dev.fleet.platform.kafka.FleetHeaders;

/**
 * Lets each {@code event-id} through once: a usage record re-published after a producer retry or
 * a crash (same event id) is dropped, so it is not billed twice. Ids are remembered in a window
 * store for {@code window} of stream time after they were seen (stream time, not the record's own
 * time, so a late record's id is remembered as well as a timely one's); the store lives in the same
 * exactly-once transaction as the sums.
 * <p>
 * Limits: a duplicate that arrives more than {@code window} of stream time after the original is
 * counted again; a record without an {@code event-id} header cannot be deduplicated and passes.
 */
final class DeduplicateByEventId<K, V> implements FixedKeyProcessor<K, V, V> {

    private final String storeName;
    private final Duration window;
    private FixedKeyProcessorContext<K, V> context;
    private WindowStore<String, Long> seen;

    DeduplicateByEventId(String storeName, Duration window) {
        this.storeName = storeName;
        this.window = window;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, V> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<K, V> record) {
        Header header = record.headers().lastHeader(FleetHeaders.EVENT_ID);
        if (header == null || header.value() == null) {
            context.forward(record);
            return;
        }
        String eventId = new String(header.value(), StandardCharsets.UTF_8);
        long timestamp = Math.max(context.currentStreamTimeMs(), record.timestamp());
        try (WindowStoreIterator<Long> earlier = seen.fetch(eventId,
                Instant.ofEpochMilli(timestamp).minus(window), Instant.ofEpochMilli(timestamp))) {
            if (earlier.hasNext()) {
                return; // already counted
            }
        }
        seen.put(eventId, timestamp, timestamp);
        context.forward(record);
    }
}
