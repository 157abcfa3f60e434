package dev.fleet.orchestrator.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.orchestrator.domain.risk.backtest.TransactionSource;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

/**
 * Reads {@code fleet.transactions.v1} for a backtest with a consumer of its own: every partition
 * assigned, no group, nothing committed, committed records only. It starts at the first record
 * written at or after the start time and stops at the end offsets seen when it began, or earlier on
 * a partition whose records are written after the stop time.
 */
public class TransactionTopicSource implements TransactionSource {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    private final Map<String, Object> consumerConfig;
    private final FleetSerde serde;

    /** @param consumerConfig the service's consumer settings (bootstrap servers, security); group and deserializers are set here */
    public TransactionTopicSource(Map<String, Object> consumerConfig, FleetSerde serde) {
        this.consumerConfig = consumerConfig;
        this.serde = serde;
    }

    @Override
    public long read(Instant startAt, Instant stopAfter, Consumer<TransactionSubmitted> sink, Progress progress) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "risk-backtest-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        String topic = FleetTopics.TRANSACTIONS.name();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_WAIT);
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_WAIT);
            Map<TopicPartition, Long> timestamps = new HashMap<>();
            partitions.forEach(p -> timestamps.put(p, startAt.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(timestamps, METADATA_WAIT);
            Set<TopicPartition> open = new HashSet<>();
            long total = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                long from = start == null ? ends.get(partition) : start.offset();
                consumer.seek(partition, from);
                if (from < ends.get(partition)) {
                    open.add(partition);
                    total += ends.get(partition) - from;
                }
            }
            consumer.pause(difference(partitions, open));
            long read = 0;
            long undecodable = 0;
            progress.update(0, total);
            long stop = stopAfter.toEpochMilli();
            while (!open.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (TopicPartition partition : records.partitions()) {
                    if (!open.contains(partition)) {
                        continue;
                    }
                    long end = ends.get(partition);
                    for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                        if (record.offset() >= end || record.timestamp() > stop) {
                            close(consumer, open, partition);
                            break;
                        }
                        read++;
                        TransactionSubmitted tx = decode(record.value());
                        if (tx == null) {
                            undecodable++;
                        } else {
                            sink.accept(tx);
                        }
                    }
                }
                for (TopicPartition partition : Set.copyOf(open)) {
                    if (consumer.position(partition) >= ends.get(partition)) {
                        close(consumer, open, partition);
                    }
                }
                progress.update(read, total);
            }
            return undecodable;
        }
    }

    private TransactionSubmitted decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return serde.deserialize(FleetTopics.TRANSACTIONS, value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void close(KafkaConsumer<?, ?> consumer, Set<TopicPartition> open, TopicPartition partition) {
        if (open.remove(partition)) {
            consumer.pause(List.of(partition));
        }
    }

    private static Set<TopicPartition> difference(List<TopicPartition> all, Set<TopicPartition> open) {
        Set<TopicPartition> rest = new HashSet<>(all);
        rest.removeAll(open);
        return rest;
    }
}
