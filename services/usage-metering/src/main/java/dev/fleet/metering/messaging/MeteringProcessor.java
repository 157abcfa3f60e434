package dev.fleet.metering.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.metering.domain.RollupWindow;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.streams.OutputHeaders;

/**
 * The metering of one task (a set of tenants): each {@link UsageRecorded} is added to its minute,
 * hour, day and month totals in the key-value store {@link UsageTopology#STORE} (key
 * {@link RollupKey}, read through {@link HotTotals}) and its tokens go to the {@link QuotaTracker}; each
 * {@link Tenant} sets the tenant's monthly quota. Which totals changed since the last emission is kept in
 * memory — one key per tenant, meter, model and minute (the shortest open window a record changed),
 * standing for that window and the longer ones holding it — and their current totals are forwarded as
 * {@link UsageRollup}s every {@code rollupInterval} of wall-clock time, so a window that many records
 * update costs one output record per interval instead of one per record. So that a crash loses no
 * emission, {@link UsageTopology#PENDING_STORE} marks them more coarsely, in the task's transaction: one
 * entry per tenant, meter, model and <em>hour</em> (decision 0055), from which a restarted task emits that
 * hour's minutes that have totals; a record opening a new minute of a marked hour writes nothing there.
 *
 * <p>Nothing is dropped for being late: a window stays open for its {@link RollupRetention} after it
 * ended, in stream time, whatever the order in which tenants' records arrive. Usage for a window that
 * has closed (its total is gone from the store) is forwarded as a correction rollup under a key of its
 * own ({@link RollupKey#correction}) and counted in the sensor {@code late-usage-records}
 * (metrics group {@code stream-usage-metering-metrics}). Closed windows are pruned from the store once
 * a minute.
 *
 * <p>Limits: pruning scans the whole store; a total that would overflow a {@code long} fails the record
 * ({@link ArithmeticException}, skipped by the processing exception handler); a rollup starts a new
 * trace (it sums many records' traces).
 */
final class MeteringProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    static final Duration STATUS_FLUSH_INTERVAL = Duration.ofSeconds(1);
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);

    private static final Granularity[] GRANULARITIES = Granularity.values(); // finest first
    private static final int MINUTES_AN_HOUR = 60;

    private final RollupRetention retention;
    private final Duration rollupInterval;
    private final String producedBy;
    private ProcessorContext<String, SpecificRecord> context;
    private HotTotals totals;
    private KeyValueStore<String, Long> pending;
    /** The windows changed since the last emission, by store key: each stands for the longer windows too. */
    private Map<String, RollupKey> pendingKeys;
    /** The keys of {@link #pending}: an hour (its minutes and longer windows), or a longer window late usage changed. */
    private Set<String> pendingMarks;
    private QuotaTracker quotas;
    private Sensor lateUsage;
    /** Per granularity, the window start spelled last and its text: Instant.toString is most of a key's cost. */
    private final Instant[] spelledStart = new Instant[GRANULARITIES.length];
    private final String[] spelledText = new String[GRANULARITIES.length];

    MeteringProcessor(RollupRetention retention, Duration rollupInterval, String producedBy) {
        this.retention = retention;
        this.rollupInterval = rollupInterval;
        this.producedBy = producedBy;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.totals = new HotTotals(context.getStateStore(UsageTopology.STORE));
        this.pending = context.getStateStore(UsageTopology.PENDING_STORE);
        this.pendingKeys = new LinkedHashMap<>();
        this.pendingMarks = new HashSet<>();
        try (KeyValueIterator<String, Long> all = pending.all()) { // left by the task's last committed transaction
            while (all.hasNext()) {
                String key = all.next().key;
                RollupKey marked = RollupKey.parse(key);
                pendingMarks.add(key);
                pendingKeys.put(key, marked);
                if (marked.granularity() == Granularity.HOUR) {
                    pendMinutesOf(marked);
                }
            }
        }
        this.quotas = new QuotaTracker(context, producedBy);
        this.lateUsage = context.metrics().addRateTotalSensor("usage-metering", "late-usage", "late-usage-records",
                Sensor.RecordingLevel.INFO);
        context.schedule(STATUS_FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> quotas.flush());
        context.schedule(rollupInterval, PunctuationType.WALL_CLOCK_TIME, now -> emitPendingRollups());
        context.schedule(PRUNE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> pruneClosedWindows());
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof UsageRecorded usage) {
            meter(usage, record);
        } else if (record.value() instanceof Tenant tenant) {
            quotas.limitChanged(tenant.getId(), tenant.getMonthlyTokens(), record.headers());
        }
    }

    private void meter(UsageRecorded usage, Record<String, SpecificRecord> record) {
        Instant streamTime = streamTime(record);
        String[] keys = new String[GRANULARITIES.length];
        long[] after = new long[GRANULARITIES.length];
        RollupKey finestOpen = null;
        String finestOpenText = null;
        boolean late = false;
        for (Granularity granularity : GRANULARITIES) {
            RollupWindow window = RollupWindow.containing(granularity, usage.getOccurredAt());
            RollupKey key = RollupKey.of(usage, window);
            if (retention.closed(window, streamTime)) {
                late = true;
                String eventId = FleetHeaders.get(record.headers(), FleetHeaders.EVENT_ID)
                        .orElseGet(() -> OutputHeaders.eventId(usage.toString()));
                forward(key.correction(eventId), rollup(key, window, usage.getQuantity(), true), record.timestamp(),
                        record.headers());
            } else {
                String storeKey = spelled(key);
                Long before = totals.get(storeKey);
                keys[granularity.ordinal()] = storeKey;
                after[granularity.ordinal()] = Math.addExact(before == null ? 0 : before, usage.getQuantity());
                if (finestOpen == null) {
                    finestOpen = key;
                    finestOpenText = storeKey;
                }
            }
        }
        for (int i = 0; i < keys.length; i++) { // only once every total is known not to overflow
            if (keys[i] != null) {
                totals.put(keys[i], after[i]);
            }
        }
        if (finestOpen != null && pendingKeys.putIfAbsent(finestOpenText, finestOpen) == null) {
            // one pending key stands for its window and every longer one holding it (emitPendingRollups);
            // the store marks a minute by its hour, written once per emission however many minutes change
            int marked = finestOpen.granularity() == Granularity.MINUTE && keys[Granularity.HOUR.ordinal()] != null
                    ? Granularity.HOUR.ordinal() // (a retention closing hours before minutes marks the minute)
                    : finestOpen.granularity().ordinal();
            if (pendingMarks.add(keys[marked])) {
                pending.put(keys[marked], after[marked]);
            }
        }
        if (late) {
            lateUsage.record();
        }
        if (usage.getMeter() != Meter.SEARCH_QUERIES) {
            quotas.addTokens(usage.getTenantId(), usage.getOccurredAt(), usage.getQuantity(), record.headers());
        }
    }

    /**
     * Marks pending every minute of {@code hour} that has a total: after a restart the hour's pending
     * entry is all that says which of its minutes changed since the last emission (an hour entry
     * written before decision 0055 stood for the hour alone: its minutes are emitted again, unchanged,
     * with the same event-ids).
     */
    private void pendMinutesOf(RollupKey hour) {
        for (int m = 0; m < MINUTES_AN_HOUR; m++) {
            RollupKey minute = new RollupKey(hour.tenantId(), Granularity.MINUTE,
                    hour.windowStart().plus(Duration.ofMinutes(m)), hour.meter(), hour.model());
            String key = minute.toString();
            if (totals.get(key) != null) {
                pendingKeys.putIfAbsent(key, minute);
            }
        }
    }

    /** {@code key} as the stores spell it, the window start's text reused while it stays the same. */
    private String spelled(RollupKey key) {
        int g = key.granularity().ordinal();
        if (!key.windowStart().equals(spelledStart[g])) {
            spelledStart[g] = key.windowStart();
            spelledText[g] = key.windowStart().toString();
        }
        return key.spelled(spelledText[g]);
    }

    /** The task's stream time, which the record itself may be ahead of. */
    private Instant streamTime(Record<String, SpecificRecord> record) {
        return Instant.ofEpochMilli(Math.max(context.currentStreamTimeMs(), record.timestamp()));
    }

    /**
     * Writes the current total of every window changed since the last emission: each pending key's window
     * and the longer windows holding it (a usage record changes all of them, so one pending entry a record
     * stands for four; an entry written before that rule, one per window, is read the same way).
     */
    private void emitPendingRollups() {
        if (pendingKeys.isEmpty()) {
            return;
        }
        long timestamp = context.currentStreamTimeMs();
        Set<String> emitted = new HashSet<>(pendingKeys.size() * 8); // up to four windows a key, load factor 0.75
        for (Map.Entry<String, RollupKey> entry : pendingKeys.entrySet()) {
            RollupKey changed = entry.getValue();
            for (int g = changed.granularity().ordinal(); g < GRANULARITIES.length; g++) {
                RollupKey key = changed.within(GRANULARITIES[g]);
                String storeKey = key == changed ? entry.getKey() : spelled(key);
                Long total = emitted.add(storeKey) ? totals.get(storeKey) : null;
                if (total != null) { // null: emitted already, or closed and pruned
                    forward(storeKey, rollup(key, key.window(), total, false), timestamp, null);
                }
            }
        }
        pendingMarks.forEach(pending::delete);
        pendingMarks.clear();
        pendingKeys.clear();
    }

    private void forward(String key, UsageRollup rollup, long timestamp, Headers cause) {
        Headers headers = OutputHeaders.of(key + "@" + rollup.getQuantity(), rollup.getTenantId(), cause, producedBy);
        context.forward(new Record<String, SpecificRecord>(key, rollup, timestamp, headers));
    }

    private static UsageRollup rollup(RollupKey key, RollupWindow window, long quantity, boolean correction) {
        return UsageRollup.newBuilder()
                .setTenantId(key.tenantId())
                .setMeter(key.meter())
                .setModel(key.model())
                .setGranularity(key.granularity())
                .setWindowStart(window.start())
                .setWindowEnd(window.end())
                .setQuantity(quantity)
                .setCorrection(correction)
                .build();
    }

    private void pruneClosedWindows() {
        Instant streamTime = Instant.ofEpochMilli(context.currentStreamTimeMs());
        List<String> closed = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = totals.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                RollupKey key = RollupKey.parse(entry.key);
                if (RollupRetention.closes(key.granularity()) && retention.closed(key.window(), streamTime)) {
                    closed.add(entry.key);
                }
            }
        }
        closed.forEach(totals::delete);
    }
}
