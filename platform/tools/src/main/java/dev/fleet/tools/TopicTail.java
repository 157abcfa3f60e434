package dev.fleet.tools;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code topics tail}: prints a topic's records as JSON lines ({@link RecordJson}), from its end (and
 * following, until {@code Ctrl-C} wakes the consumer up) or from its beginning, optionally only one
 * tenant's, optionally stopping at the current end or after N records.
 * <p>
 * Limits: reads with a throw-away consumer (no group, nothing committed, read_committed); the tenant
 * filter decodes every record, so tailing a busy topic for one tenant costs the whole topic's decoding.
 */
final class TopicTail {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private TopicTail() {
    }

    /** A consumer for a tail: no group, nothing committed, keys and values as bytes. */
    static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientConfig) {
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleet-topics-tail-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Prints the records {@code options} asks for; returns how many it printed. {@code positioned} runs
     * once every partition has its start position (tests produce after it to prove the tail follows).
     */
    static long run(Consumer<byte[], byte[]> consumer, TailOptions options, RecordJson json, PrintStream out,
            Runnable positioned) {
        List<PartitionInfo> infos = consumer.partitionsFor(options.topic(), METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new UsageException("the broker has no topic '" + options.topic() + "' (topics list shows them)");
        }
        List<TopicPartition> partitions = infos.stream()
                .map(p -> new TopicPartition(options.topic(), p.partition())).toList();
        consumer.assign(partitions);
        if (options.fromBeginning()) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position); // resolves the start now, not at the first poll
        Map<TopicPartition, Long> end = options.toEnd() ? consumer.endOffsets(partitions) : null;
        positioned.run();
        long printed = 0;
        try {
            while (end == null || partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (end != null && record.offset() >= end.get(new TopicPartition(record.topic(),
                            record.partition()))) {
                        continue;
                    }
                    RecordJson.Line line = json.line(record);
                    if (options.tenant().isPresent() && !options.tenant().equals(line.tenant())) {
                        continue;
                    }
                    out.println(line);
                    printed++;
                    if (options.max().isPresent() && printed >= options.max().get()) {
                        return printed;
                    }
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // Ctrl-C: stop quietly
        }
        out.flush();
        return printed;
    }
}
