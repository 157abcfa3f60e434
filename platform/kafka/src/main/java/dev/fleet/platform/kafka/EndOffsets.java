package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;

/** Reads the current end offsets (read-committed) of partitions, asynchronously. */
@FunctionalInterface
public interface EndOffsets {

    /** The end offset of each of {@code partitions} as of now; fails after {@code timeout}. */
    CompletionStage<Map<TopicPartition, Long>> latest(Collection<TopicPartition> partitions, Duration timeout);
}
