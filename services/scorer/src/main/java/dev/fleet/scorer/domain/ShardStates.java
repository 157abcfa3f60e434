package dev.fleet.scorer.domain;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which item-vectors partitions ("shards") this replica holds and whether each is ready to answer
 * searches or still being rebuilt from the compacted topic. Searches of a shard under rebuild wait for
 * it, bounded ({@link #awaitReady}); a search is never answered from a half-read shard. Written by the
 * thread that reads the shards, read by the search threads and the readiness probe.
 */
public class ShardStates {

    /** A held shard's state. */
    public enum State {
        /** Assigned; its records up to the end offsets at assignment are being read. */
        REBUILDING,
        /** Everything the topic held at assignment is in the index; later records follow. */
        READY
    }

    private final Map<Integer, State> states = new TreeMap<>();
    private final Map<Integer, Integer> rebuilds = new TreeMap<>();
    private boolean assigned;

    /** Marks {@code partitions} as being rebuilt (newly assigned). */
    public synchronized void rebuilding(Set<Integer> partitions) {
        partitions.forEach(p -> {
            states.put(p, State.REBUILDING);
            rebuilds.merge(p, 1, Integer::sum);
        });
        assigned = true;
        notifyAll();
    }

    /** Marks {@code partition} as ready; waiting searches go on. */
    public synchronized void ready(int partition) {
        if (states.containsKey(partition)) {
            states.put(partition, State.READY);
            notifyAll();
        }
    }

    /** Forgets {@code partitions} (revoked). */
    public synchronized void dropped(Set<Integer> partitions) {
        partitions.forEach(states::remove);
        assigned = true;
        notifyAll();
    }

    /** True once a first assignment was applied (possibly empty). */
    public synchronized boolean assigned() {
        return assigned;
    }

    /** True if this replica holds {@code partition}, ready or not. */
    public synchronized boolean holds(int partition) {
        return states.containsKey(partition);
    }

    /**
     * Waits until {@code partition} is held and ready, at most {@code timeout}; returns whether it is.
     * A partition not (or no longer) held is not ready.
     */
    public synchronized boolean awaitReady(int partition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (states.get(partition) == State.REBUILDING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return states.get(partition) == State.READY;
    }

    /** Each held partition's state, by partition. */
    public synchronized Map<Integer, State> snapshot() {
        return Map.copyOf(states);
    }

    /** How often {@code partition} was (re)assigned to this replica and so read from the beginning. */
    public synchronized int rebuilds(int partition) {
        return rebuilds.getOrDefault(partition, 0);
    }

    /** True if a first assignment was applied and no held partition is rebuilding. */
    public synchronized boolean allReady() {
        return assigned && !states.containsValue(State.REBUILDING);
    }
}
