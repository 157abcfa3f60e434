package dev.fleet.metering.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import dev.fleet.events.v1.UsageRecorded;

/**
 * Event time of usage is when it was used ({@code occurredAt}), not when it reached Kafka; a record
 * without one falls back to its Kafka timestamp, then to the partition's stream time.
 */
public final class OccurredAtTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof UsageRecorded usage && usage.getOccurredAt() != null) {
            return usage.getOccurredAt().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
