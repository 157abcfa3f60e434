package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRollup;

/**
 * Every tenant's recent usage, per minute and meter, as usage-metering's per-minute rollups state it:
 * a rollup carries the running total of its window and model, so a later one for the same window and
 * model replaces the earlier (a replayed or duplicated rollup changes nothing); a correction (usage that
 * reached usage-metering after its minute had closed) is kept under its own record key and added.
 * Hourly, daily and monthly rollups are ignored (the minutes add up to them). Answers a tenant's usage
 * between two instants in buckets of a minute, an hour or a day.
 * <p>
 * Limits: only the last {@code retention} is kept (older windows are dropped on arrival and
 * pruned as time passes), at about 100 bytes per tenant and active minute. The ledger is as fresh
 * as the rollup topic: usage-metering emits a window's total as records arrive, so the current
 * minute may still grow.
 */
public final class UsageLedger {

    private static final int METERS = Meter.values().length;

    private final Duration retention;
    private final Clock clock;
    /** tenant → window start (epoch ms) → model or correction → quantity per meter ordinal; never changed in place. */
    private final Map<String, NavigableMap<Long, Map<String, long[]>>> tenants = new ConcurrentHashMap<>();

    public UsageLedger(Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
    }

    /** Records the total of one tenant, meter, model and minute. */
    public void apply(UsageRollup rollup) {
        apply(null, rollup);
    }

    /** Records the total of one tenant, meter, model and minute, or the correction under record key {@code key}. */
    public void apply(String key, UsageRollup rollup) {
        long start = rollup.getWindowStart().toEpochMilli();
        long cutoff = oldestKept().toEpochMilli();
        if (start < cutoff || rollup.getGranularity() != Granularity.MINUTE) {
            return;
        }
        String slice = rollup.getCorrection() ? "late " + key : String.valueOf(rollup.getModel());
        NavigableMap<Long, Map<String, long[]>> windows = tenants.computeIfAbsent(rollup.getTenantId(),
                tenant -> new ConcurrentSkipListMap<>());
        int meter = rollup.getMeter().ordinal();
        windows.compute(start, (window, previous) -> {
            Map<String, long[]> next = previous == null ? new HashMap<>() : new HashMap<>(previous);
            long[] quantities = next.containsKey(slice) ? Arrays.copyOf(next.get(slice), METERS) : new long[METERS];
            quantities[meter] = rollup.getQuantity();
            next.put(slice, quantities);
            return Map.copyOf(next);
        });
        windows.headMap(cutoff).clear();
    }

    /** The instant before which usage is no longer known. */
    public Instant oldestKept() {
        return clock.instant().minus(retention);
    }

    /**
     * The usage of {@code tenantId} in windows that started in {@code [from, to)}, summed per
     * {@code bucket} (aligned to the epoch, so to UTC minutes, hours and days); empty buckets are left out.
     */
    public UsageReport report(String tenantId, Instant from, Instant to, Duration bucket) {
        Map<Meter, Long> totals = emptyTotals();
        List<UsageReport.Bucket> buckets = new ArrayList<>();
        NavigableMap<Long, Map<String, long[]>> windows = tenants.get(tenantId);
        if (windows != null) {
            windows.headMap(oldestKept().toEpochMilli()).clear();
            long width = bucket.toMillis();
            long currentStart = Long.MIN_VALUE;
            long[] current = null;
            for (Map.Entry<Long, Map<String, long[]>> window
                    : windows.subMap(from.toEpochMilli(), to.toEpochMilli()).entrySet()) {
                long bucketStart = Math.floorDiv(window.getKey(), width) * width;
                if (current == null || bucketStart != currentStart) {
                    addBucket(buckets, currentStart, width, current);
                    currentStart = bucketStart;
                    current = new long[METERS];
                }
                for (long[] slice : window.getValue().values()) {
                    for (int m = 0; m < METERS; m++) {
                        current[m] += slice[m];
                    }
                }
            }
            addBucket(buckets, currentStart, width, current);
        }
        buckets.forEach(b -> b.usage().forEach((meter, quantity) -> totals.merge(meter, quantity, Long::sum)));
        return new UsageReport(from, to, bucket, oldestKept(), totals, buckets);
    }

    private static void addBucket(List<UsageReport.Bucket> buckets, long start, long width, long[] quantities) {
        if (quantities == null) {
            return;
        }
        Map<Meter, Long> usage = emptyTotals();
        for (Meter meter : Meter.values()) {
            usage.put(meter, quantities[meter.ordinal()]);
        }
        buckets.add(new UsageReport.Bucket(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + width), usage));
    }

    private static Map<Meter, Long> emptyTotals() {
        Map<Meter, Long> totals = new EnumMap<>(Meter.class);
        for (Meter meter : Meter.values()) {
            totals.put(meter, 0L);
        }
        return totals;
    }
}
