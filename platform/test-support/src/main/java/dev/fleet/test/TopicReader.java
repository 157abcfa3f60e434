package dev.fleet.test;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic of the shared test broker from its beginning, outside any consumer group,
 * incrementally (each call polls what arrived since the last), and
 * waits (bounded) for a record that matches.
 */
public final class TopicReader<K, V> implements AutoCloseable {

    private final KafkaConsumer<K, V> consumer;
    private final List<ConsumerRecord<K, V>> seen = new ArrayList<>();

    private TopicReader(String topic, Deserializer<K> keys, Deserializer<V> values) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Records of {@code topic} with string keys and values decoded by {@code values} (e.g. the fleet serde). */
    public static <V> TopicReader<String, V> decoded(String topic, Deserializer<V> values) {
        return new TopicReader<>(topic, new StringDeserializer(), values);
    }

    /**
     * Like {@link #decoded}, but a record {@code values} cannot decode (another test's deliberate poison record on
     * a shared topic) has a null value instead of failing the read.
     */
    public static <V> TopicReader<String, V> decodedSkippingUnreadable(String topic, Deserializer<V> values) {
        Deserializer<V> lenient = new Deserializer<>() {
            @Override
            public V deserialize(String t, byte[] data) {
                try {
                    return values.deserialize(t, data);
                } catch (RuntimeException unreadable) {
                    return null;
                }
            }

            @Override
            public V deserialize(String t, Headers headers, byte[] data) {
                try {
                    return values.deserialize(t, headers, data);
                } catch (RuntimeException unreadable) {
                    return null;
                }
            }
        };
        return new TopicReader<>(topic, new StringDeserializer(), lenient);
    }

    /** Raw bytes of {@code topic}, e.g. a dead-letter topic. */
    public static TopicReader<byte[], byte[]> raw(String topic) {
        return new TopicReader<>(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The first record that matches, waiting at most {@code timeout} for it to arrive. */
    public ConsumerRecord<K, V> awaitRecord(Predicate<ConsumerRecord<K, V>> match, Duration timeout) {
        return await().atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> poll(match), Optional::isPresent).orElseThrow();
    }

    /** Every record matching so far, after draining what is available now. */
    public List<ConsumerRecord<K, V>> drain(Predicate<ConsumerRecord<K, V>> match) {
        poll(r -> false);
        return seen.stream().filter(match).toList();
    }

    private Optional<ConsumerRecord<K, V>> poll(Predicate<ConsumerRecord<K, V>> match) {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen.stream().filter(match).findFirst();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
