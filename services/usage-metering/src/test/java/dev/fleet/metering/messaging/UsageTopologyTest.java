package dev.fleet.metering.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private static final Duration GRACE = Duration.ofMinutes(1);
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String SERVICE = "usage-metering-under-test";

    private final FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageRecorded> usage;
    private TestOutputTopic<String, UsageRollup> rollups;

    @BeforeEach
    void startDriver() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-topology-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnprocessableRecords.class);
        driver = new TopologyTestDriver(UsageTopology.buildTopology(serde.serde(FleetTopics.USAGE),
                serde.serde(FleetTopics.USAGE_ROLLUPS), GRACE, Duration.ofDays(2), SERVICE), config, T0);
        usage = driver.createInputTopic(FleetTopics.USAGE.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.USAGE).serializer());
        rollups = driver.createOutputTopic(FleetTopics.USAGE_ROLLUPS.name(), Serdes.String().deserializer(),
                serde.serde(FleetTopics.USAGE_ROLLUPS).deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void sumsQuantitiesOfATenantsMeterWithinAMinute() {
        // given / when
        record("t1", Meter.PROMPT_TOKENS, 10, T0.plusSeconds(5));
        record("t1", Meter.PROMPT_TOKENS, 32, T0.plusSeconds(59));

        // then
        List<KeyValue<String, UsageRollup>> out = rollups.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.value.getQuantity()).containsExactly(10L, 42L);
        assertThat(out.get(1).key).isEqualTo("t1/prompt_tokens/2025-03-01T10:00:00Z");
        assertThat(out.get(1).value).isEqualTo(new UsageRollup("t1", Meter.PROMPT_TOKENS, T0,
                T0.plus(UsageTopology.WINDOW), 42L));
    }

    @Test
    void keepsSeparateWindowsForSeparateMinutes() {
        // given / when
        record("t1", Meter.COMPLETION_TOKENS, 7, T0.plusSeconds(30));
        record("t1", Meter.COMPLETION_TOKENS, 3, T0.plusSeconds(70));

        // then
        assertThat(rollups.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getQuantity())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t1/completion_tokens/2025-03-01T10:00:00Z", 7L),
                        org.assertj.core.groups.Tuple.tuple("t1/completion_tokens/2025-03-01T10:01:00Z", 3L));
    }

    @Test
    void keepsTenantsAndMetersApart() {
        // given / when
        record("t1", Meter.PROMPT_TOKENS, 1, T0.plusSeconds(1));
        record("t2", Meter.PROMPT_TOKENS, 2, T0.plusSeconds(2));
        record("t1", Meter.EMBEDDING_TOKENS, 4, T0.plusSeconds(3));
        record("t1", Meter.PROMPT_TOKENS, 8, T0.plusSeconds(4));

        // then
        assertThat(rollups.readKeyValuesToMap())
                .containsEntry("t1/prompt_tokens/2025-03-01T10:00:00Z", rollup("t1", Meter.PROMPT_TOKENS, 9))
                .containsEntry("t2/prompt_tokens/2025-03-01T10:00:00Z", rollup("t2", Meter.PROMPT_TOKENS, 2))
                .containsEntry("t1/embedding_tokens/2025-03-01T10:00:00Z", rollup("t1", Meter.EMBEDDING_TOKENS, 4))
                .hasSize(3);
    }

    @Test
    void windowsByWhenUsageOccurredNotWhenItWasRecorded() {
        // given a record that reaches Kafka two minutes after it occurred
        usage.pipeInput("t1", usage("t1", Meter.SEARCH_QUERIES, 1, T0.plusSeconds(10)), T0.plusSeconds(130));

        // then it counts in the minute it occurred
        assertThat(rollups.readValue().getWindowStart()).isEqualTo(T0);
    }

    @Test
    void dropsUsageArrivingAfterTheGracePeriod() {
        // given stream time well past the first minute and its grace
        record("t1", Meter.PROMPT_TOKENS, 5, T0.plusSeconds(10));
        record("t1", Meter.PROMPT_TOKENS, 5, T0.plus(UsageTopology.WINDOW).plus(GRACE).plusSeconds(30));
        rollups.readKeyValuesToList();

        // when late usage for the first minute arrives
        record("t1", Meter.PROMPT_TOKENS, 100, T0.plusSeconds(20));

        // then it is not counted
        assertThat(rollups.isEmpty()).isTrue();
        assertThat(storedWindows("t1")).extracting(UsageWindow::quantity).containsExactly(5L, 5L);
    }

    @Test
    void keepsPerMinuteTotalsQueryableInTheWindowStore() {
        // given / when
        record("t1", Meter.PROMPT_TOKENS, 10, T0.plusSeconds(5));
        record("t1", Meter.PROMPT_TOKENS, 5, T0.plusSeconds(6));
        record("t1", Meter.COMPLETION_TOKENS, 20, T0.plusSeconds(61));
        record("t2", Meter.PROMPT_TOKENS, 99, T0.plusSeconds(7));

        // then
        WindowStore<String, Long> store = driver.getWindowStore(UsageTopology.STORE);
        assertThat(store.fetch("t1/prompt_tokens", T0.toEpochMilli())).isEqualTo(15L);
        assertThat(storedWindows("t1")).containsExactlyInAnyOrder(
                new UsageWindow(Meter.PROMPT_TOKENS, T0, T0.plusSeconds(60), 15),
                new UsageWindow(Meter.COMPLETION_TOKENS, T0.plusSeconds(60), T0.plusSeconds(120), 20));
        assertThat(storedWindows("unknown-tenant")).isEmpty();
    }

    @Test
    void countsAUsageEventOnceWhenItIsDeliveredTwice() {
        // given
        UsageRecorded once = usage("t1", Meter.PROMPT_TOKENS, 10, T0.plusSeconds(5));

        // when: the same event (same event-id) arrives twice, and another event after it
        pipeWithEventId(once, "event-1");
        pipeWithEventId(once, "event-1");
        pipeWithEventId(usage("t1", Meter.PROMPT_TOKENS, 5, T0.plusSeconds(6)), "event-2");

        // then
        assertThat(rollups.readValuesToList()).extracting(UsageRollup::getQuantity).containsExactly(10L, 15L);
    }

    @Test
    void stampsRollupsWithTheirOwnFleetHeaders() {
        // when
        pipeWithEventId(usage("t1", Meter.PROMPT_TOKENS, 10, T0.plusSeconds(5)), "usage-event");

        // then
        TestRecord<String, UsageRollup> out = rollups.readRecord();
        assertThat(header(out, FleetHeaders.EVENT_ID)).isNotEqualTo("usage-event").isNotBlank();
        assertThat(header(out, FleetHeaders.TENANT_ID)).isEqualTo("t1");
        assertThat(header(out, FleetHeaders.PRODUCED_BY)).isEqualTo(SERVICE);
        assertThat(header(out, FleetHeaders.TRACEPARENT)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void skipsUsageWithANegativeQuantityAndCountsTheNextRecord() {
        // given
        record("t1", Meter.PROMPT_TOKENS, 10, T0.plusSeconds(5));

        // when: a negative quantity, which the validation step rejects, then valid usage
        record("t1", Meter.PROMPT_TOKENS, -4, T0.plusSeconds(6));
        record("t1", Meter.PROMPT_TOKENS, 7, T0.plusSeconds(7));

        // then the negative record is skipped and the stream goes on
        assertThat(rollups.readValuesToList()).extracting(UsageRollup::getQuantity).containsExactly(10L, 17L);
        assertThat(storedWindows("t1")).extracting(UsageWindow::quantity).containsExactly(17L);
    }

    @Test
    void skipsUsageThatWouldOverflowTheWindowTotalAndCountsTheNextRecord() {
        // given
        record("t1", Meter.SEARCH_QUERIES, 1, T0.plusSeconds(5));

        // when: a quantity that makes the aggregation overflow, then valid usage
        record("t1", Meter.SEARCH_QUERIES, Long.MAX_VALUE, T0.plusSeconds(6));
        record("t1", Meter.SEARCH_QUERIES, 2, T0.plusSeconds(7));

        // then the window keeps its exact total and the stream goes on
        assertThat(rollups.readValuesToList()).extracting(UsageRollup::getQuantity).containsExactly(1L, 3L);
    }

    @Test
    void refusesToBuildWithoutAProducingService() {
        assertThatThrownBy(() -> UsageTopology.buildTopology(serde.serde(FleetTopics.USAGE),
                serde.serde(FleetTopics.USAGE_ROLLUPS), GRACE, Duration.ofDays(2), " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void pipeWithEventId(UsageRecorded value, String eventId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        usage.pipeInput(new TestRecord<>(value.getTenantId(), value, headers, value.getOccurredAt()));
    }

    private static String header(TestRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private List<UsageWindow> storedWindows(String tenantId) {
        WindowStore<String, Long> store = driver.getWindowStore(UsageTopology.STORE);
        return InteractiveUsageHistory.windows(store, tenantId, T0.minusSeconds(3600), T0.plusSeconds(3600));
    }

    private void record(String tenantId, Meter meter, long quantity, Instant occurredAt) {
        usage.pipeInput(tenantId, usage(tenantId, meter, quantity, occurredAt), occurredAt);
    }

    private static UsageRecorded usage(String tenantId, Meter meter, long quantity, Instant occurredAt) {
        return UsageRecorded.newBuilder().setTenantId(tenantId).setMeter(meter).setQuantity(quantity)
                .setOccurredAt(occurredAt).build();
    }

    private static UsageRollup rollup(String tenantId, Meter meter, long quantity) {
        return new UsageRollup(tenantId, meter, T0, T0.plus(UsageTopology.WINDOW), quantity);
    }
}
