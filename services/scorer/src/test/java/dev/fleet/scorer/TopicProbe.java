package dev.fleet.scorer;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.test.SharedKafka;

/**
 * Reads one topic of the shared test broker from its beginning, outside any consumer group, and
 * waits (bounded) for a record that matches.
 */
final class TopicProbe<K, V> implements AutoCloseable {

    private final KafkaConsumer<K, V> consumer;
    private final List<ConsumerRecord<K, V>> seen = new ArrayList<>();

    private TopicProbe(String topic, Deserializer<K> keys, Deserializer<V> values) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Decoded fleet records of {@code topic}; a tombstone has a null value. */
    static TopicProbe<String, SpecificRecord> fleet(String topic) {
        return new TopicProbe<>(topic, new StringDeserializer(),
                new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).deserializer());
    }

    /** Raw bytes of {@code topic}, e.g. a dead-letter topic. */
    static TopicProbe<byte[], byte[]> raw(String topic) {
        return new TopicProbe<>(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The first record that matches, waiting at most {@code timeout} for it to arrive. */
    ConsumerRecord<K, V> awaitRecord(Predicate<ConsumerRecord<K, V>> match, Duration timeout) {
        return await().atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> poll(match), Optional::isPresent).orElseThrow();
    }

    /** Every record matching so far, after draining what is available now. */
    List<ConsumerRecord<K, V>> drain(Predicate<ConsumerRecord<K, V>> match) {
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
