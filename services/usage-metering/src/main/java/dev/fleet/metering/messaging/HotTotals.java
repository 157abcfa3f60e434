package dev.fleet.metering.messaging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store of totals that one processor alone writes, read through the entries it used
 * most recently: a hot total costs a {@code HashMap} lookup instead of a descent of Kafka Streams'
 * record cache (a {@code TreeMap} of serialized keys sharing a 40-byte prefix) and a deserialization.
 * Every write still goes to the store, in the task's transaction; this map only saves reads.
 *
 * <p>Create one in the processor's {@code init}: a task that is revived after an aborted transaction
 * initializes its processors again, and the store it reads from then holds only what was committed.
 *
 * <p>Limit: holds up to {@value #CAPACITY} entries (about 3 MB; one map per store and task, so a replica
 * running the six tasks of {@code fleet.usage.v1} holds at most about 20 MB for the totals), least
 * recently used out first — the windows being written now (a task's open hours, days and months, and its
 * current minutes), not the two days of minutes the store keeps.
 */
final class HotTotals {

    static final int CAPACITY = 20_000;

    /** Stands for a key the store holds no total for (most tenants have no quota, say). */
    private static final Object ABSENT = new Object();

    private final KeyValueStore<String, Long> store;
    private final Map<String, Object> recent = new LinkedHashMap<>(1 << 12, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > CAPACITY;
        }
    };

    HotTotals(KeyValueStore<String, Long> store) {
        this.store = store;
    }

    /** The total under {@code key}, or null if the store has none. */
    Long get(String key) {
        Object known = recent.get(key);
        if (known == null) {
            Long total = store.get(key);
            recent.put(key, total == null ? ABSENT : total);
            return total;
        }
        return known == ABSENT ? null : (Long) known;
    }

    void put(String key, long total) {
        store.put(key, total);
        recent.put(key, total);
    }

    /** Every entry of the store (pruning); the caller closes the iterator. */
    KeyValueIterator<String, Long> all() {
        return store.all();
    }

    void delete(String key) {
        store.delete(key);
        recent.put(key, ABSENT);
    }
}
