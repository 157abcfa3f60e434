package dev.fleet.platform.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.fleet.schemas.Topic;

/**
 * Reads a time range of one topic for a replay (usage simulations, risk backtests) with a consumer of
 * its own: every partition assigned, no group, nothing committed, committed records only. It starts at
 * the first record written at or after the start time ({@code offsetsForTimes}) and reads up to the end
 * offsets taken when the read began (records arriving meanwhile are not waited for), leaving a
 * partition early at its first record written after the stop time, if one is given. It never writes.
 */
public final class TopicRangeReader {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> consumerConfig;
    private final String clientIdPrefix;

    /**
     * @param consumerConfig the service's consumer settings (bootstrap servers, security); group,
     *     commits and isolation are set here
     * @param clientIdPrefix the reading consumer's client id, before a random suffix
     */
    public TopicRangeReader(Map<String, Object> consumerConfig, String clientIdPrefix) {
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.clientIdPrefix = clientIdPrefix;
    }

    /** What a read covered: records handed to the visitor, of the records there were to read. */
    public record Read(long read, long total) {
    }

    /** Where the records of a read go. */
    public interface Visitor {

        /** One record of the range, in its partition's order. */
        void accept(ConsumerRecord<byte[], byte[]> record);

        /**
         * Called before the first poll and after each poll that leaves records to read; may throw to
         * stop the read (a deadline).
         */
        default void progress(long read, long total) {
        }
    }

    /**
     * Reads {@code topic} from {@code startAt} (record time) to its end, or per partition to its first
     * record written after {@code stopAfter} when that is not null.
     *
     * @param timeout the longest wait for each metadata request (partitions, offsets)
     */
    public Read read(Topic<?> topic, Instant startAt, Instant stopAfter, Duration timeout, Visitor visitor) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> start = startOffsets(consumer, partitions, end, startAt, timeout);
            Set<TopicPartition> open = new HashSet<>();
            long total = 0;
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, start.get(partition));
                if (start.get(partition) < end.get(partition)) {
                    open.add(partition);
                    total += end.get(partition) - start.get(partition);
                }
            }
            Set<TopicPartition> done = new HashSet<>(partitions);
            done.removeAll(open);
            consumer.pause(done);
            long stop = stopAfter == null ? Long.MAX_VALUE : stopAfter.toEpochMilli();
            long read = 0;
            if (!open.isEmpty()) {
                visitor.progress(0, total);
            }
            while (!open.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                        if (!open.contains(partition)) {
                            break;
                        }
                        if (record.offset() >= end.get(partition) || record.timestamp() > stop) {
                            close(consumer, open, partition);
                            break;
                        }
                        read++;
                        visitor.accept(record);
                    }
                }
                for (TopicPartition partition : Set.copyOf(open)) {
                    if (consumer.position(partition) >= end.get(partition)) {
                        close(consumer, open, partition);
                    }
                }
                if (!open.isEmpty()) {
                    visitor.progress(read, total);
                }
            }
            return new Read(read, total);
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + UUID.randomUUID());
        return config;
    }

    private static Map<TopicPartition, Long> startOffsets(KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions, Map<TopicPartition, Long> end, Instant from, Duration timeout) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, Math.max(0, from.toEpochMilli())));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, timeout);
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> start = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = found.get(partition);
            // no record at or after the time: nothing to read in this partition
            long position = offset == null ? end.get(partition) : Math.min(offset.offset(), end.get(partition));
            start.put(partition, Math.max(position, beginning.get(partition)));
        }
        return start;
    }

    private static void close(KafkaConsumer<?, ?> consumer, Set<TopicPartition> open, TopicPartition partition) {
        if (open.remove(partition)) {
            consumer.pause(List.of(partition));
        }
    }
}
