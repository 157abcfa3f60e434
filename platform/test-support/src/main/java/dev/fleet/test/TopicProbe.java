package dev.fleet.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/**
 * Looks at topics from outside the services, as a test would: sends raw bytes (poison records)
 * and waits, bounded, for a record with a given key to appear on a topic (e.g. a dead-letter topic).
 */
public final class TopicProbe {

    private final String bootstrapServers;

    public TopicProbe(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** A probe on the shared test broker. */
    public static TopicProbe shared() {
        return new TopicProbe(SharedKafka.bootstrapServers());
    }

    /** Sends raw {@code value} bytes keyed by {@code key} and waits for the acknowledgement. */
    public void sendRaw(String topic, String key, byte[] value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /** Waits up to {@code timeout} for a record keyed {@code key} on {@code topic} and returns it. */
    public ConsumerRecord<byte[], byte[]> awaitKey(String topic, String key, Duration timeout) {
        byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
        return await(topic, r -> r.key() != null && java.util.Arrays.equals(r.key(), wanted), timeout);
    }

    /** Waits up to {@code timeout} for a record of {@code topic} that matches {@code predicate}. */
    public ConsumerRecord<byte[], byte[]> await(String topic, Predicate<ConsumerRecord<byte[], byte[]>> predicate,
            Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        Awaitility.await("a matching record on " + topic).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    readAll(topic).stream().filter(predicate).findFirst().ifPresent(found::add);
                    return !found.isEmpty();
                });
        return found.get(0);
    }

    /** Every record currently on {@code topic}, read from the beginning of each partition. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The UTF-8 value of the last header {@code name} of {@code record}. */
    public static Optional<String> header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
