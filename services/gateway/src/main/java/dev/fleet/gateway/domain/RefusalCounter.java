package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Counts the requests this replica refused (authentication failures, rate limits) per tenant and
 * minute, so that they reach the audit log as one event per tenant, minute and replica however
 * many there were: an attack cannot flood the log. Refusals with no known tenant are counted under
 * {@link #UNAUTHENTICATED}. At most {@link #MAX_KEY_IDS} key ids are kept per tally.
 * <p>
 * Thread-safe; memory is bounded by the number of tenants refused within the minutes not yet drained.
 */
public final class RefusalCounter {

    /** The tenant id under which refusals of unknown or missing keys are counted. */
    public static final String UNAUTHENTICATED = "unauthenticated";

    /** Most key ids named in one tally. */
    public static final int MAX_KEY_IDS = 20;

    /** One tenant's refusals in one minute, ready to announce; its event id stays the same across retries. */
    public record Tally(String eventId, String tenantId, Instant minuteStart, Map<String, Long> counts,
            List<String> keyIds) {
    }

    private record Bucket(String tenantId, Instant minuteStart) {
    }

    private final Clock clock;
    private final Map<Bucket, Map<String, Long>> counts = new HashMap<>(); // guarded by this
    private final Map<Bucket, Set<String>> keyIds = new HashMap<>(); // guarded by this

    public RefusalCounter(Clock clock) {
        this.clock = clock;
    }

    /** Counts one refusal; {@code tenantId} and {@code keyId} may be null (unknown). */
    public synchronized void record(String tenantId, String keyId, String reason) {
        Bucket bucket = new Bucket(tenantId == null ? UNAUTHENTICATED : tenantId,
                clock.instant().truncatedTo(ChronoUnit.MINUTES));
        counts.computeIfAbsent(bucket, b -> new HashMap<>()).merge(reason, 1L, Long::sum);
        Set<String> keys = keyIds.computeIfAbsent(bucket, b -> new LinkedHashSet<>());
        if (keyId != null && keys.size() < MAX_KEY_IDS) {
            keys.add(keyId);
        }
    }

    /** Takes the tallies of the minutes that have ended (or of every minute, with {@code all}). */
    public synchronized List<Tally> drain(boolean all) {
        Instant currentMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        List<Tally> drained = new ArrayList<>();
        counts.entrySet().removeIf(entry -> {
            Bucket bucket = entry.getKey();
            if (!all && !bucket.minuteStart().isBefore(currentMinute)) {
                return false;
            }
            drained.add(new Tally(UUID.randomUUID().toString(), bucket.tenantId(), bucket.minuteStart(),
                    Map.copyOf(entry.getValue()), List.copyOf(keyIds.remove(bucket))));
            return true;
        });
        return drained;
    }
}
