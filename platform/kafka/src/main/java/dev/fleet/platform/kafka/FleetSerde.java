package dev.fleet.platform.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.fleet.schemas.Topic;

/**
 * The one way the fleet turns topic values into bytes and back. Services see only this
 * interface, so a registry-backed implementation can replace {@link AvroSingleObjectSerde}
 * without touching them.
 */
public interface FleetSerde {

    /** Encodes {@code value} for {@code topic}; {@code null} stays {@code null} (a tombstone). */
    byte[] serialize(String topic, SpecificRecord value);

    /**
     * Decodes a value of {@code topic} into the catalog's current value type for that topic.
     *
     * @throws UnknownSchemaException when the writer schema is not in the schema store
     * @throws org.apache.kafka.common.errors.SerializationException when the bytes are not a record of the topic
     */
    SpecificRecord deserialize(String topic, byte[] data);

    /** Decodes a value of {@code topic} as its declared type. */
    <V extends SpecificRecord> V deserialize(Topic<V> topic, byte[] data);

    /** A Kafka serializer for any topic of the catalog. */
    Serializer<SpecificRecord> serializer();

    /** A Kafka deserializer that reads each catalog topic into its declared value type. */
    Deserializer<SpecificRecord> deserializer();

    /** A typed serde for one topic (Kafka Streams). */
    <V extends SpecificRecord> Serde<V> serde(Topic<V> topic);
}
