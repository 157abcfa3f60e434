package dev.fleet.scorer.messaging;

import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.fleet.schemas.Topic;

/**
 * One topic co-partitioned with the score requests whose held partitions {@link ItemVectorShards} reads into
 * memory: the item vectors (the index) and the interactions (the user profiles, decision 0039).
 */
interface ShardFeed {

    /** The topic; read from its earliest offset when a partition is assigned, then followed. */
    Topic<?> topic();

    /** Applies one record; throws to have it dead-lettered. */
    void apply(ConsumerRecord<byte[], byte[]> raw);

    /** Forgets what was read from {@code partitions} (no longer held, or read again). */
    void drop(Set<Integer> partitions);
}
