package dev.fleet.gateway.messaging.ratelimit;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import dev.fleet.gateway.domain.ratelimit.BudgetWindow;
import dev.fleet.gateway.domain.ratelimit.Limits;

/**
 * The budget store's value format: a version byte and six fixed-width numbers. Internal state of
 * the owner topology (its changelog is read by nothing but Kafka Streams' restore), not a contract
 * between services, so it is kept out of the Avro catalog.
 */
final class BudgetWindowSerde {

    private static final byte VERSION = 1;
    private static final int SIZE = 1 + Long.BYTES * 5 + Integer.BYTES;

    private BudgetWindowSerde() {
    }

    static Serde<BudgetWindow> serde() {
        Serializer<BudgetWindow> serializer = (topic, w) -> w == null ? null : ByteBuffer.allocate(SIZE)
                .put(VERSION)
                .putLong(w.windowStart())
                .putLong(w.grantedRequests())
                .putLong(w.grantedTokens())
                .putInt(w.limits().requestsPerMinute())
                .putLong(w.limits().tokensPerMinute())
                .putLong(w.limits().version())
                .array();
        Deserializer<BudgetWindow> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != SIZE || bytes[0] != VERSION) {
                throw new SerializationException("not a budget window (v" + VERSION + ", " + SIZE + " bytes): "
                        + bytes.length + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes, 1, SIZE - 1);
            long windowStart = b.getLong();
            long requests = b.getLong();
            long tokens = b.getLong();
            return new BudgetWindow(windowStart, requests, tokens, new Limits(b.getInt(), b.getLong(), b.getLong()));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
