package dev.fleet.metering.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.UsageRollup;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

/** {@link MeteringProcessor} started on state an earlier instance of its task left behind. */
class MeteringProcessorTest {

    private static final Instant T0 = UsageTopologyTest.T0;
    private static final Duration ROLLUP_INTERVAL = Duration.ofSeconds(5); // unlike the other punctuations
    private static final String MINUTE = "t1/minute/2025-03-01T10:00:00Z/prompt_tokens/-";
    private static final String HOUR = "t1/hour/2025-03-01T10:00:00Z/prompt_tokens/-";
    private static final String DAY = "t1/day/2025-03-01T00:00:00Z/prompt_tokens/-";
    private static final String MONTH = "t1/month/2025-03-01T00:00:00Z/prompt_tokens/-";
    private static final String OTHER_DAY = "t2/day/2025-03-01T00:00:00Z/completion_tokens/m";
    private static final String OTHER_MONTH = "t2/month/2025-03-01T00:00:00Z/completion_tokens/m";

    private final FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private MockProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, Long> totals;
    private KeyValueStore<String, Long> pending;

    @BeforeEach
    void stores() {
        context = MockStores.context("metering-processor-test");
        context.setCurrentStreamTimeMs(T0.toEpochMilli());
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        totals = MockStores.store(context, UsageTopology.STORE, Serdes.Long());
        pending = MockStores.store(context, UsageTopology.PENDING_STORE, Serdes.Long());
        MockStores.store(context, UsageTopology.QUOTA_USED_STORE, Serdes.Long());
        MockStores.store(context, UsageTopology.TENANT_QUOTAS_STORE, Serdes.Long());
        MockStores.store(context, UsageTopology.QUOTA_STATUS_STORE, serde.serde(FleetTopics.QUOTA_STATUS));
    }

    @Test
    void emitsWhatAnEarlierInstanceLeftPendingInBothEntryForms() {
        // given what a task committed before it stopped: totals, one pending minute (standing for its
        // hour, day and month) and one pending day written one entry per window, as before that rule
        totals.put(MINUTE, 7L);
        totals.put(HOUR, 12L);
        totals.put(DAY, 30L);
        totals.put(MONTH, 99L);
        totals.put(OTHER_DAY, 4L);
        totals.put(OTHER_MONTH, 5L);
        pending.put(MINUTE, 7L);
        pending.put(OTHER_DAY, 4L);

        // when a new instance starts and its rollup interval passes
        startAndEmit();

        // then each pending window and the longer ones holding it are written with their current totals
        assertThat(forwarded()).containsExactlyInAnyOrder(tuple(MINUTE, 7L), tuple(HOUR, 12L), tuple(DAY, 30L),
                tuple(MONTH, 99L), tuple(OTHER_DAY, 4L), tuple(OTHER_MONTH, 5L));
        assertThat(pending.approximateNumEntries()).isZero();
    }

    @Test
    void emitsEveryChangedMinuteOfAPendingHourAfterARestart() {
        // given what a task committed before it stopped: two minutes of one hour changed since its last
        // emission, marked by one pending entry for their hour (decision 0055), and a minute of another hour
        String laterMinute = "t1/minute/2025-03-01T10:07:00Z/prompt_tokens/-";
        String otherHourMinute = "t1/minute/2025-03-01T09:59:00Z/prompt_tokens/-";
        totals.put(MINUTE, 7L);
        totals.put(laterMinute, 5L);
        totals.put(otherHourMinute, 3L);
        totals.put(HOUR, 12L);
        totals.put(DAY, 30L);
        totals.put(MONTH, 99L);
        pending.put(HOUR, 12L);

        // when a new instance starts and its rollup interval passes
        startAndEmit();

        // then both minutes of the marked hour are written, with the hour, day and month, and nothing else
        assertThat(forwarded()).containsExactlyInAnyOrder(tuple(MINUTE, 7L), tuple(laterMinute, 5L),
                tuple(HOUR, 12L), tuple(DAY, 30L), tuple(MONTH, 99L));
        assertThat(pending.approximateNumEntries()).isZero();
    }

    /** A new instance of the processor on the stores as they are, and its first rollup emission. */
    private void startAndEmit() {
        new MeteringProcessor(RollupRetention.DEFAULT, ROLLUP_INTERVAL, UsageTopologyTest.SERVICE).init(context);
        rollupPunctuator().getPunctuator().punctuate(T0.toEpochMilli());
    }

    /** The rollups forwarded, as (key, quantity). */
    private List<Tuple> forwarded() {
        return context.forwarded().stream().map(forward -> tuple(forward.record().key(),
                ((UsageRollup) forward.record().value()).getQuantity())).toList();
    }

    private CapturedPunctuator rollupPunctuator() {
        return context.scheduledPunctuators().stream()
                .filter(punctuator -> punctuator.getInterval().equals(ROLLUP_INTERVAL))
                .findFirst().orElseThrow();
    }
}
