package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;

class UsageRecorderTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private final UsageRecorder recorder = new UsageRecorder(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void stampsUsageWithItsClock() {
        assertThat(recorder.usage("t1", Meter.PROMPT_TOKENS, 12, "gpt-4o"))
                .isEqualTo(new UsageRecorded("t1", Meter.PROMPT_TOKENS, 12L, "gpt-4o", NOW));
    }

    @Test
    void derivesTheSameEventIdFromTheSameCauseAndMeterOnly() {
        // given
        RecordHeaders cause = new RecordHeaders();
        cause.add(FleetHeaders.EVENT_ID, "cause-1".getBytes(StandardCharsets.UTF_8));

        // when
        String fromHeaders = UsageRecorder.context(cause, "t1", Meter.PROMPT_TOKENS).eventId();

        // then one derivation, whether the cause is a record or a request id
        assertThat(fromHeaders).isEqualTo(UsageRecorder.context(cause, "t1", Meter.PROMPT_TOKENS).eventId())
                .isEqualTo(UsageRecorder.eventId("cause-1", Meter.PROMPT_TOKENS))
                .isNotEqualTo(UsageRecorder.eventId("cause-1", Meter.COMPLETION_TOKENS))
                .isNotEqualTo(UsageRecorder.eventId("cause-2", Meter.PROMPT_TOKENS));
    }
}
