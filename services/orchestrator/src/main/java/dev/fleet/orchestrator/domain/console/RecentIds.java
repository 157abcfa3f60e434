package dev.fleet.orchestrator.domain.console;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} event ids seen, to drop a redelivered event: duplicates on the domain
 * event topic come from a producer or outbox relay retrying, so they follow their original closely.
 * A duplicate older than {@code capacity} events would count twice. Not thread-safe.
 */
final class RecentIds {

    private final LinkedHashMap<String, Boolean> ids;

    RecentIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True when {@code id} is new (and now remembered); false for one seen among the last {@code capacity}. */
    boolean firstTime(String id) {
        return ids.putIfAbsent(id, Boolean.TRUE) == null;
    }
}
