package dev.fleet.metering.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
 * {@link RollupKey}) and its tokens go to the {@link QuotaTracker}; each {@link Tenant} sets the
 * tenant's monthly quota. The totals changed since the last emission are kept in
 * {@link UsageTopology#PENDING_STORE} and forwarded as {@link UsageRollup}s every {@code rollupInterval}
 * of wall-clock time, so a window that many records update costs one output record per interval
 * instead of one per record (the pending set is state, so a crash loses no emission).
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

    private final RollupRetention retention;
    private final Duration rollupInterval;
    private final String producedBy;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, Long> totals;
    private KeyValueStore<String, Long> pending;
    private QuotaTracker quotas;
    private Sensor lateUsage;

    MeteringProcessor(RollupRetention retention, Duration rollupInterval, String producedBy) {
        this.retention = retention;
        this.rollupInterval = rollupInterval;
        this.producedBy = producedBy;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.totals = context.getStateStore(UsageTopology.STORE);
        this.pending = context.getStateStore(UsageTopology.PENDING_STORE);
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
        List<KeyValue<String, Long>> updates = new ArrayList<>();
        boolean late = false;
        for (Granularity granularity : Granularity.values()) {
            RollupKey key = RollupKey.of(usage, granularity);
            RollupWindow window = key.window();
            if (retention.closed(window, streamTime)) {
                late = true;
                String eventId = FleetHeaders.get(record.headers(), FleetHeaders.EVENT_ID)
                        .orElseGet(() -> OutputHeaders.eventId(usage.toString()));
                forward(key.correction(eventId), rollup(key, window, usage.getQuantity(), true), record.timestamp(),
                        record.headers());
            } else {
                String storeKey = key.toString();
                Long before = totals.get(storeKey);
                updates.add(KeyValue.pair(storeKey, Math.addExact(before == null ? 0 : before, usage.getQuantity())));
            }
        }
        for (KeyValue<String, Long> update : updates) { // only once every total is known not to overflow
            totals.put(update.key, update.value);
            pending.put(update.key, update.value);
        }
        if (late) {
            lateUsage.record();
        }
        if (usage.getMeter() != Meter.SEARCH_QUERIES) {
            quotas.addTokens(usage.getTenantId(), usage.getOccurredAt(), usage.getQuantity(), record.headers());
        }
    }

    /** The task's stream time, which the record itself may be ahead of. */
    private Instant streamTime(Record<String, SpecificRecord> record) {
        return Instant.ofEpochMilli(Math.max(context.currentStreamTimeMs(), record.timestamp()));
    }

    private void emitPendingRollups() {
        List<String> emitted = new ArrayList<>();
        long timestamp = context.currentStreamTimeMs();
        try (KeyValueIterator<String, Long> all = pending.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                RollupKey key = RollupKey.parse(entry.key);
                forward(entry.key, rollup(key, key.window(), entry.value, false), timestamp, null);
                emitted.add(entry.key);
            }
        }
        emitted.forEach(pending::delete);
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
