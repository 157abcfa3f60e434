package dev.fleet.metering.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.metering.domain.UsageWindow;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.SkipUnprocessableRecords;
import dev.fleet.schemas.FleetTopics;

class UsageTopologyTest {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final String SERVICE = "usage-metering-under-test";
    private static final RollupRetention RETENTION = new RollupRetention(Duration.ofDays(2), Duration.ofDays(90),
            Duration.ofDays(800));

    private final FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageRecorded> usage;
    private TestOutputTopic<String, UsageRollup> rollups;

    @BeforeEach
    void startDriver() {
        driver = driver(serde, stateDir, RETENTION);
        usage = driver.createInputTopic(FleetTopics.USAGE.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.USAGE).serializer());
        rollups = driver.createOutputTopic(FleetTopics.USAGE_ROLLUPS.name(), Serdes.String().deserializer(),
                serde.serde(FleetTopics.USAGE_ROLLUPS).deserializer());
    }

    static TopologyTestDriver driver(FleetSerde serde, Path stateDir, RollupRetention retention) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-topology-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnprocessableRecords.class);
        return new TopologyTestDriver(UsageTopology.buildTopology(serde, retention, UsageTopology.ROLLUP_INTERVAL,
                SERVICE), config, T0);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void sumsATenantsMeterAndModelPerMinuteHourDayAndMonth() {
        // when
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o", 10, T0.plusSeconds(5));
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o", 32, T0.plusSeconds(59));

        // then nothing is written before the rollup interval, then each window's total once
        assertThat(rollups.isEmpty()).isTrue();
        emitRollups();
        Map<String, UsageRollup> out = rollups.readKeyValuesToMap();
        assertThat(out).hasSize(4);
        assertThat(out).extractingByKeys("t1/minute/2025-03-01T10:00:00Z/prompt_tokens/gpt-4o",
                        "t1/hour/2025-03-01T10:00:00Z/prompt_tokens/gpt-4o",
                        "t1/day/2025-03-01T00:00:00Z/prompt_tokens/gpt-4o",
                        "t1/month/2025-03-01T00:00:00Z/prompt_tokens/gpt-4o")
                .extracting(UsageRollup::getQuantity).containsOnly(42L);
        assertThat(out.get("t1/month/2025-03-01T00:00:00Z/prompt_tokens/gpt-4o")).isEqualTo(UsageRollup.newBuilder().setTenantId("t1")
                .setMeter(Meter.PROMPT_TOKENS).setModel("gpt-4o").setGranularity(Granularity.MONTH)
                .setWindowStart(Instant.parse("2025-03-01T00:00:00Z"))
                .setWindowEnd(Instant.parse("2025-04-01T00:00:00Z")).setQuantity(42).setCorrection(false).build());
    }

    @Test
    void marksTheMinutesRecordsChangedWithOneEntryForTheirHourAndEmitsEachWindowOnce() {
        // when records of one tenant, meter and model arrive in two minutes of one hour
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o", 1, T0.plusSeconds(1));
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o", 2, T0.plusSeconds(2));
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o", 4, T0.plusSeconds(61));

        // then one pending entry, for the hour, marks both minutes and the longer windows (decision 0055)
        KeyValueStore<String, Long> pending = driver.getKeyValueStore(UsageTopology.PENDING_STORE);
        try (var entries = pending.all()) {
            assertThat(entries).toIterable().extracting(entry -> entry.key)
                    .containsExactly("t1/hour/2025-03-01T10:00:00Z/prompt_tokens/gpt-4o");
        }
        emitRollups();
        assertThat(rollups.readKeyValuesToMap()).containsOnlyKeys(
                        "t1/minute/2025-03-01T10:00:00Z/prompt_tokens/gpt-4o",
                        "t1/minute/2025-03-01T10:01:00Z/prompt_tokens/gpt-4o",
                        "t1/hour/2025-03-01T10:00:00Z/prompt_tokens/gpt-4o",
                        "t1/day/2025-03-01T00:00:00Z/prompt_tokens/gpt-4o",
                        "t1/month/2025-03-01T00:00:00Z/prompt_tokens/gpt-4o")
                .extractingFromEntries(entry -> entry.getValue().getQuantity()).containsExactlyInAnyOrder(3L, 4L, 7L, 7L, 7L);
        try (var entries = pending.all()) {
            assertThat(entries.hasNext()).isFalse();
        }
    }

    @Test
    void keepsMinutesTenantsMetersAndModelsApart() {
        // when
        record("t1", Meter.PROMPT_TOKENS, "a", 1, T0.plusSeconds(1));
        record("t2", Meter.PROMPT_TOKENS, "a", 2, T0.plusSeconds(2));
        record("t1", Meter.EMBEDDING_TOKENS, null, 4, T0.plusSeconds(3));
        record("t1", Meter.PROMPT_TOKENS, "b", 8, T0.plusSeconds(4));
        record("t1", Meter.PROMPT_TOKENS, "a", 16, T0.plusSeconds(61));

        // then
        assertThat(minuteTotals())
                .containsEntry("t1/minute/2025-03-01T10:00:00Z/prompt_tokens/a", 1L)
                .containsEntry("t2/minute/2025-03-01T10:00:00Z/prompt_tokens/a", 2L)
                .containsEntry("t1/minute/2025-03-01T10:00:00Z/embedding_tokens/-", 4L)
                .containsEntry("t1/minute/2025-03-01T10:00:00Z/prompt_tokens/b", 8L)
                .containsEntry("t1/minute/2025-03-01T10:01:00Z/prompt_tokens/a", 16L)
                .hasSize(5);
    }

    @Test
    void countsAnotherTenantsEarlierUsageAfterATenantsLaterUsage() {
        // given tenant A's usage three minutes ahead (a backlog, a restart, a skewed clock)
        record("tenant-a", Meter.PROMPT_TOKENS, null, 5, T0.plus(Duration.ofMinutes(3)));

        // when tenant B's usage at T0 arrives after it
        record("tenant-b", Meter.PROMPT_TOKENS, null, 7, T0);

        // then B's usage is counted in its own minute
        assertThat(minuteTotals()).containsEntry("tenant-b/minute/2025-03-01T10:00:00Z/prompt_tokens/-", 7L);
        assertThat(storedWindows("tenant-b", Granularity.MINUTE))
                .containsExactly(new UsageWindow(Meter.PROMPT_TOKENS, null, T0, T0.plusSeconds(60), 7));
        assertThat(lateUsageRecords()).isZero();
    }

    @Test
    void billsUsageForAClosedWindowAsACorrectionAndCountsIt() {
        // given the stream three days ahead: T0's minute has closed, its hour, day and month have not
        record("t1", Meter.PROMPT_TOKENS, null, 5, T0.plusSeconds(10));
        record("t1", Meter.PROMPT_TOKENS, null, 1, T0.plus(Duration.ofDays(3)));
        emitRollups();
        rollups.readKeyValuesToList();

        // when usage for T0's minute arrives
        pipeWithEventId(usage("t1", Meter.PROMPT_TOKENS, null, 100, T0.plusSeconds(20)), "late-1");
        emitRollups();

        // then the minute gets a correction of its own, the longer windows count it in their totals
        assertThat(rollups.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getQuantity(),
                kv -> kv.value.getCorrection()).containsExactlyInAnyOrder(
                tuple("t1/minute/2025-03-01T10:00:00Z/prompt_tokens/-/late/late-1", 100L, true),
                tuple("t1/hour/2025-03-01T10:00:00Z/prompt_tokens/-", 105L, false),
                tuple("t1/day/2025-03-01T00:00:00Z/prompt_tokens/-", 105L, false),
                tuple("t1/month/2025-03-01T00:00:00Z/prompt_tokens/-", 106L, false));
        assertThat(lateUsageRecords()).isEqualTo(1.0);
    }

    @Test
    void prunesClosedWindowsFromTheStore() {
        // given a minute that closes once the stream is three days ahead
        record("t1", Meter.PROMPT_TOKENS, null, 5, T0.plusSeconds(10));
        record("t1", Meter.PROMPT_TOKENS, null, 1, T0.plus(Duration.ofDays(3)));

        // when the pruning runs
        driver.advanceWallClockTime(MeteringProcessor.PRUNE_INTERVAL);

        // then the closed minute is gone, its hour is kept
        assertThat(storedWindows("t1", Granularity.MINUTE)).isEmpty();
        assertThat(storedWindows("t1", Granularity.HOUR)).extracting(UsageWindow::quantity).containsExactly(5L);
    }

    @Test
    void countsUsagePublishedUnderAnotherKeyWithItsTenant() {
        // when the same tenant's usage is published under its tenant id and under another key
        record("t1", Meter.SEARCH_QUERIES, null, 1, T0.plusSeconds(1));
        usage.pipeInput("not-the-tenant", usage("t1", Meter.SEARCH_QUERIES, null, 2, T0.plusSeconds(2)),
                T0.plusSeconds(2));

        // then both count in one total
        assertThat(storedWindows("t1", Granularity.MINUTE)).extracting(UsageWindow::quantity).containsExactly(3L);
    }

    @Test
    void windowsByWhenUsageOccurredNotWhenItWasRecorded() {
        // given a record that reaches Kafka two minutes after it occurred
        usage.pipeInput("t1", usage("t1", Meter.SEARCH_QUERIES, null, 1, T0.plusSeconds(10)), T0.plusSeconds(130));

        // then it counts in the minute it occurred
        assertThat(minuteRollups()).extracting(UsageRollup::getWindowStart).containsExactly(T0);
    }

    @Test
    void keepsTotalsQueryableByTenantGranularityAndRange() {
        // when
        record("t1", Meter.PROMPT_TOKENS, "m", 10, T0.plusSeconds(5));
        record("t1", Meter.PROMPT_TOKENS, "m", 5, T0.plusSeconds(6));
        record("t1", Meter.COMPLETION_TOKENS, "m", 20, T0.plusSeconds(61));
        record("t2", Meter.PROMPT_TOKENS, "m", 99, T0.plusSeconds(7));
        record("t1", Meter.PROMPT_TOKENS, "m", 1, T0.plus(Duration.ofHours(5)));

        // then
        assertThat(storedWindows("t1", Granularity.MINUTE)).containsExactlyInAnyOrder(
                new UsageWindow(Meter.PROMPT_TOKENS, "m", T0, T0.plusSeconds(60), 15),
                new UsageWindow(Meter.COMPLETION_TOKENS, "m", T0.plusSeconds(60), T0.plusSeconds(120), 20),
                new UsageWindow(Meter.PROMPT_TOKENS, "m", T0.plus(Duration.ofHours(5)),
                        T0.plus(Duration.ofHours(5)).plusSeconds(60), 1));
        KeyValueStore<String, Long> store = driver.getKeyValueStore(UsageTopology.STORE);
        assertThat(InteractiveUsageHistory.windows(store, "t1", Granularity.MINUTE, T0.plusSeconds(60),
                T0.plus(Duration.ofHours(1)))).extracting(UsageWindow::quantity).containsExactly(20L);
        assertThat(storedWindows("t1", Granularity.DAY)).extracting(UsageWindow::meter, UsageWindow::quantity)
                .containsExactlyInAnyOrder(tuple(Meter.PROMPT_TOKENS, 16L), tuple(Meter.COMPLETION_TOKENS, 20L));
        assertThat(storedWindows("unknown-tenant", Granularity.MINUTE)).isEmpty();
    }

    @Test
    void countsAUsageEventOnceWhenItIsDeliveredTwice() {
        // given
        UsageRecorded once = usage("t1", Meter.PROMPT_TOKENS, null, 10, T0.plusSeconds(5));

        // when: the same event (same event-id) arrives twice, and another event after it
        pipeWithEventId(once, "event-1");
        pipeWithEventId(once, "event-1");
        pipeWithEventId(usage("t1", Meter.PROMPT_TOKENS, null, 5, T0.plusSeconds(6)), "event-2");

        // then
        assertThat(minuteRollups()).extracting(UsageRollup::getQuantity).containsExactly(15L);
    }

    @Test
    void stampsRollupsWithTheirOwnFleetHeaders() {
        // when
        pipeWithEventId(usage("t1", Meter.PROMPT_TOKENS, null, 10, T0.plusSeconds(5)), "usage-event");

        // then
        emitRollups();
        TestRecord<String, UsageRollup> out = rollups.readRecord();
        assertThat(header(out, FleetHeaders.EVENT_ID)).isNotEqualTo("usage-event").isNotBlank();
        assertThat(header(out, FleetHeaders.TENANT_ID)).isEqualTo("t1");
        assertThat(header(out, FleetHeaders.PRODUCED_BY)).isEqualTo(SERVICE);
        assertThat(header(out, FleetHeaders.TRACEPARENT)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void skipsUsageWithANegativeQuantityAndCountsTheNextRecord() {
        // given
        record("t1", Meter.PROMPT_TOKENS, null, 10, T0.plusSeconds(5));

        // when: a negative quantity, which the validation step rejects, then valid usage
        record("t1", Meter.PROMPT_TOKENS, null, -4, T0.plusSeconds(6));
        record("t1", Meter.PROMPT_TOKENS, null, 7, T0.plusSeconds(7));

        // then the negative record is skipped and the stream goes on
        assertThat(minuteRollups()).extracting(UsageRollup::getQuantity).containsExactly(17L);
    }

    @Test
    void skipsUsageThatWouldOverflowATotalAndCountsTheNextRecord() {
        // given
        record("t1", Meter.SEARCH_QUERIES, null, 1, T0.plusSeconds(5));

        // when: a quantity that makes the total overflow, then valid usage
        record("t1", Meter.SEARCH_QUERIES, null, Long.MAX_VALUE, T0.plusSeconds(6));
        record("t1", Meter.SEARCH_QUERIES, null, 2, T0.plusSeconds(7));

        // then the window keeps its exact total and the stream goes on
        assertThat(minuteRollups()).extracting(UsageRollup::getQuantity).containsExactly(3L);
    }

    @Test
    void refusesToBuildWithoutAProducingService() {
        assertThatThrownBy(() -> UsageTopology.buildTopology(serde, RETENTION, UsageTopology.ROLLUP_INTERVAL, " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private double lateUsageRecords() {
        return driver.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().name().equals("late-usage-records-total"))
                .map(Map.Entry::getValue).map(Metric::metricValue).mapToDouble(v -> (Double) v).sum();
    }

    private void emitRollups() {
        driver.advanceWallClockTime(UsageTopology.ROLLUP_INTERVAL);
    }

    private List<UsageRollup> minuteRollups() {
        emitRollups();
        return rollups.readValuesToList().stream().filter(r -> r.getGranularity() == Granularity.MINUTE).toList();
    }

    private Map<String, Long> minuteTotals() {
        emitRollups();
        Map<String, Long> totals = new HashMap<>();
        rollups.readKeyValuesToList().stream().filter(kv -> kv.value.getGranularity() == Granularity.MINUTE)
                .forEach(kv -> totals.put(kv.key, kv.value.getQuantity()));
        return totals;
    }

    private void pipeWithEventId(UsageRecorded value, String eventId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        usage.pipeInput(new TestRecord<>(value.getTenantId(), value, headers, value.getOccurredAt()));
    }

    private static String header(TestRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private List<UsageWindow> storedWindows(String tenantId, Granularity granularity) {
        KeyValueStore<String, Long> store = driver.getKeyValueStore(UsageTopology.STORE);
        return InteractiveUsageHistory.windows(store, tenantId, granularity, T0.minus(Duration.ofDays(31)),
                T0.plus(Duration.ofDays(1)));
    }

    private void record(String tenantId, Meter meter, String model, long quantity, Instant occurredAt) {
        usage.pipeInput(tenantId, usage(tenantId, meter, model, quantity, occurredAt), occurredAt);
    }

    static UsageRecorded usage(String tenantId, Meter meter, String model, long quantity, Instant occurredAt) {
        return UsageRecorded.newBuilder().setTenantId(tenantId).setMeter(meter).setModel(model).setQuantity(quantity)
                .setOccurredAt(occurredAt).build();
    }
}
