package dev.fleet.metering.messaging;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.schemas.FleetTopics;

/**
 * Per-minute usage totals: {@code fleet.usage.v1} ({@link UsageRecorded}, event time
 * {@code occurredAt}) grouped by tenant and meter, summed per one-minute tumbling window into the
 * queryable window store {@link #STORE} (key {@code tenantId/meter}, value the total), and every
 * update written as a {@link UsageRollup} to {@code fleet.usage.rollups.v1}, keyed
 * {@code tenantId/meter/windowStart}, with the fleet's headers. A usage record whose {@code event-id}
 * was already counted (within {@link #DEDUPE_WINDOW}) is dropped first, so re-published usage is
 * billed once. A record with a negative quantity is rejected (the validation step throws
 * {@link IllegalArgumentException}), and so is one that would overflow its window's total
 * ({@link ArithmeticException}); the application's processing exception handler skips such a record.
 *
 * <p>Limits: records later than the grace period after their window closed are dropped (Kafka
 * Streams' dropped-records metric counts them). The store caches nothing, so each input record
 * yields one rollup update; the compacted rollup topic keeps the last per window. Grouping
 * repartitions through an internal topic.
 */
public final class UsageTopology {

    /** The window store holding per-minute totals, for interactive queries. */
    public static final String STORE = "usage-per-minute";

    /** The store of recently seen {@code event-id}s, for deduplication. */
    public static final String SEEN_EVENTS_STORE = "usage-seen-event-ids";

    /** How far apart a duplicate of a usage record may arrive and still be recognised. */
    public static final Duration DEDUPE_WINDOW = Duration.ofHours(1);

    /** The size of a rollup window. */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    private UsageTopology() {
    }

    /**
     * The topology on its own (tests, tools).
     *
     * @param grace      how late a record may arrive after its window ended and still count
     * @param retention  how long windows stay queryable in {@link #STORE}; at least {@link #WINDOW} plus {@code grace}
     * @param producedBy the service running the topology, stamped into each rollup's {@code produced-by}
     */
    public static Topology buildTopology(Serde<UsageRecorded> usageSerde, Serde<UsageRollup> rollupSerde,
            Duration grace, Duration retention, String producedBy) {
        StreamsBuilder builder = new StreamsBuilder();
        define(builder, usageSerde, rollupSerde, grace, retention, producedBy);
        return builder.build();
    }

    /** Adds the topology to {@code builder}, which may be Spring's (see {@link #buildTopology}). */
    public static void define(StreamsBuilder builder, Serde<UsageRecorded> usageSerde, Serde<UsageRollup> rollupSerde,
            Duration grace, Duration retention, String producedBy) {
        if (producedBy == null || producedBy.isBlank()) {
            throw new IllegalArgumentException("producedBy must name the producing service");
        }
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SEEN_EVENTS_STORE, DEDUPE_WINDOW.multipliedBy(2).plus(grace),
                        DEDUPE_WINDOW.multipliedBy(2), false),
                Serdes.String(), Serdes.Long()));
        builder.stream(FleetTopics.USAGE.name(), Consumed.with(Serdes.String(), usageSerde)
                        .withTimestampExtractor(new OccurredAtTimestampExtractor())
                        .withName("usage"))
                .filter((tenantId, usage) -> usage != null, Named.as("drop-tombstones"))
                .mapValues(UsageTopology::requireValid, Named.as("validate-usage"))
                .processValues(() -> new DeduplicateByEventId<String, UsageRecorded>(SEEN_EVENTS_STORE,
                        DEDUPE_WINDOW), Named.as("dedupe-event-id"), SEEN_EVENTS_STORE)
                .groupBy((tenantId, usage) -> MeterKey.of(usage).storeKey(),
                        Grouped.with("usage-by-tenant-meter", Serdes.String(), usageSerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, grace))
                .aggregate(() -> 0L, (key, usage, total) -> Math.addExact(total, usage.getQuantity()),
                        Named.as("sum-quantity"),
                        Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(Serdes.Long())
                                .withRetention(retention)
                                .withCachingDisabled())
                .toStream(Named.as("window-updates"))
                .map(UsageTopology::rollup, Named.as("to-rollup"))
                .processValues(() -> new RollupHeaders(producedBy), Named.as("rollup-headers"))
                .to(FleetTopics.USAGE_ROLLUPS.name(), Produced.with(Serdes.String(), rollupSerde).withName("rollups"));
    }

    /** Usage is never negative: a negative quantity would silently lower a tenant's bill. */
    private static UsageRecorded requireValid(UsageRecorded usage) {
        if (usage.getQuantity() < 0) {
            throw new IllegalArgumentException("usage quantity must not be negative, was " + usage.getQuantity()
                    + " (tenant " + usage.getTenantId() + ", meter " + usage.getMeter() + ")");
        }
        return usage;
    }

    private static KeyValue<String, UsageRollup> rollup(Windowed<String> window, Long total) {
        MeterKey key = MeterKey.parse(window.key());
        UsageRollup rollup = UsageRollup.newBuilder()
                .setTenantId(key.tenantId())
                .setMeter(key.meter())
                .setWindowStart(window.window().startTime())
                .setWindowEnd(window.window().endTime())
                .setQuantity(total)
                .build();
        return KeyValue.pair(key.rollupKey(window.window().startTime()), rollup);
    }
}
