package dev.fleet.platform.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

/**
 * Avro single-object encoding ({@code C3 01}, 8-byte little-endian CRC-64-AVRO fingerprint of
 * the writer schema, binary body). Readers resolve the writer schema in {@link FleetSchemaStore}
 * and decode into the catalog's current type for the topic. Thread-safe.
 */
public final class AvroSingleObjectSerde implements FleetSerde {

    private static final int HEADER_LENGTH = 10;

    private final FleetSchemaStore store;
    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new ConcurrentHashMap<>();
    private final Map<Class<?>, BinaryMessageDecoder<SpecificRecord>> decoders = new ConcurrentHashMap<>();

    public AvroSingleObjectSerde(FleetSchemaStore store) {
        this.store = store;
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord value) {
        if (value == null) {
            return null;
        }
        BinaryMessageEncoder<SpecificRecord> encoder = encoders.computeIfAbsent(value.getClass(),
                type -> new BinaryMessageEncoder<>(SpecificData.getForClass(type), value.getSchema()));
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("topic " + topic + ": cannot encode " + value.getSchema().getFullName()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        Topic<?> declared = FleetTopics.byName(topic).orElseThrow(
                () -> new SerializationException("topic " + topic + " is not in the topic catalog"));
        return decode(topic, declared.valueType(), data);
    }

    @Override
    public <V extends SpecificRecord> V deserialize(Topic<V> topic, byte[] data) {
        return topic.valueType().cast(decode(topic.name(), topic.valueType(), data));
    }

    private SpecificRecord decode(String topic, Class<? extends SpecificRecord> type, byte[] data) {
        if (data == null) {
            return null;
        }
        BinaryMessageDecoder<SpecificRecord> decoder = decoders.computeIfAbsent(type, t -> {
            SpecificData model = SpecificData.getForClass(t);
            Schema reader = model.getSchema(t);
            return new BinaryMessageDecoder<>(model, reader, store);
        });
        try {
            return decoder.decode(data);
        } catch (MissingSchemaException e) {
            throw new UnknownSchemaException(topic, fingerprintOf(data), store.size());
        } catch (BadHeaderException e) {
            throw new SerializationException("topic " + topic + ": not an Avro single-object record ("
                    + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("topic " + topic + ": cannot decode " + type.getSimpleName() + ": "
                    + e, e);
        }
    }

    private static long fingerprintOf(byte[] data) {
        if (data.length < HEADER_LENGTH) {
            return 0;
        }
        return ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public Serializer<SpecificRecord> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<SpecificRecord> deserializer() {
        return this::deserialize;
    }

    @Override
    public <V extends SpecificRecord> Serde<V> serde(Topic<V> topic) {
        Serializer<V> serializer = (t, value) -> serialize(t, value);
        Deserializer<V> deserializer = (t, data) -> topic.valueType().cast(decode(t, topic.valueType(), data));
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
