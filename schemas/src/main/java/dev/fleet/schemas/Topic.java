package dev.fleet.schemas;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * One Kafka topic of the fleet, declared once in {@link FleetTopics}. Keys are strings (the
 * catalog says what they hold); values are the Avro record {@code valueType}.
 *
 * @param retention {@code null} means "kept forever" (compacted topics)
 */
public record Topic<V extends SpecificRecord>(
        String name,
        String key,
        Class<V> valueType,
        int partitions,
        Cleanup cleanup,
        Duration retention,
        Set<Party> producers,
        Set<Party> consumers,
        String doc) {

    /** Suffix of every dead-letter topic. */
    public static final String DLQ_SUFFIX = ".dlq";

    /** How long dead letters are kept for SREs to inspect and replay. */
    public static final Duration DLQ_RETENTION = Duration.ofDays(14);

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueType, "valueType");
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be >= 1");
        }
        producers = Set.copyOf(producers);
        consumers = Set.copyOf(consumers);
    }

    /** The dead-letter topic of this topic: same partitions, original bytes plus error headers. */
    public String dlq() {
        return name + DLQ_SUFFIX;
    }

    /** The current (reader) schema of the value type. */
    public Schema valueSchema() {
        return SpecificData.get().getSchema(valueType);
    }

    /** True when {@code party} produces or consumes this topic. */
    public boolean touchedBy(Party party) {
        return producers.contains(party) || consumers.contains(party);
    }
}
