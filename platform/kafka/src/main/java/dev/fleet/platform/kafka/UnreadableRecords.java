package dev.fleet.platform.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The unreadable records of one {@link MirrorOptions.OnUnreadable#FAIL_READINESS} mirror that no
 * later record of the same key has superseded yet. On a compacted topic a key's next record carries
 * the entity's whole state, so once it is applied the view is right again and the failure is gone;
 * a record without a key is never superseded. Written by the poll thread, read by health checks.
 */
final class UnreadableRecords {

    private final Map<String, MirrorFailure> byKey = new LinkedHashMap<>(); // guarded by this; oldest first
    private volatile boolean empty = true;

    synchronized void failed(String key, MirrorFailure failure) {
        byKey.putIfAbsent(key, failure); // a null key (never superseded) is a key of its own
        empty = false;
    }

    /** A record of {@code key} was applied: an earlier unreadable record of that key no longer matters. */
    void applied(String key) {
        if (empty || key == null) {
            return;
        }
        synchronized (this) {
            byKey.remove(key);
            empty = byKey.isEmpty();
        }
    }

    /** The oldest failure still standing. */
    synchronized Optional<MirrorFailure> oldest() {
        return byKey.values().stream().findFirst();
    }
}
