package dev.fleet.orchestrator.messaging;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Commits a partition's offset only up to the requests whose outcome is settled, while they settle
 * in any order: each partition keeps its records in the order they were received, and when its
 * oldest ones are settled, the newest of them is acknowledged (with {@code AckMode.MANUAL} the
 * container then commits past it). A record the listener never saw (dead-lettered by the error
 * policy before it) is covered by the next acknowledgement.
 * <p>
 * Limits: the partitions of this replica only; a partition revoked by a rebalance is forgotten, and
 * its requests still in flight settle without committing (the new owner answers them again unless
 * they were marked answered first). Thread-safe.
 */
final class SettledOffsets {

    private final Map<TopicPartition, Deque<Entry>> partitions = new HashMap<>();

    /** Tracks {@code record}; run the returned settlement once its outcome is settled. */
    synchronized Runnable received(ConsumerRecord<?, ?> record, Acknowledgment acknowledgment) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Deque<Entry> log = partitions.computeIfAbsent(partition, p -> new ArrayDeque<>());
        Entry entry = new Entry(acknowledgment);
        log.addLast(entry);
        return () -> settle(partition, log, entry);
    }

    /** Forgets partitions this consumer no longer owns. */
    synchronized void revoked(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    /** Requests received and not yet committable, over all partitions. */
    synchronized int unsettled() {
        return partitions.values().stream().mapToInt(Deque::size).sum();
    }

    private synchronized void settle(TopicPartition partition, Deque<Entry> log, Entry entry) {
        entry.settled = true;
        if (partitions.get(partition) != log) {
            return; // revoked meanwhile
        }
        Acknowledgment newest = null;
        while (!log.isEmpty() && log.peekFirst().settled) {
            newest = log.pollFirst().acknowledgment;
        }
        if (newest != null) {
            newest.acknowledge();
        }
    }

    private static final class Entry {
        private final Acknowledgment acknowledgment;
        private boolean settled;

        Entry(Acknowledgment acknowledgment) {
            this.acknowledgment = acknowledgment;
        }
    }
}
