package dev.fleet.metering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Meter;

class UsageReportTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void totalsEachMeterOverAllWindowsAndOrdersWindowsByStartThenMeter() {
        // given
        UsageWindow laterPrompt = new UsageWindow(Meter.PROMPT_TOKENS, T0.plusSeconds(60), T0.plusSeconds(120), 5);
        UsageWindow completion = new UsageWindow(Meter.COMPLETION_TOKENS, T0, T0.plusSeconds(60), 7);
        UsageWindow prompt = new UsageWindow(Meter.PROMPT_TOKENS, T0, T0.plusSeconds(60), 10);

        // when
        UsageReport report = UsageReport.of("t1", T0, T0.plusSeconds(3600), List.of(laterPrompt, completion, prompt));

        // then
        assertThat(report.totals()).containsEntry(Meter.PROMPT_TOKENS, 15L)
                .containsEntry(Meter.COMPLETION_TOKENS, 7L).hasSize(2);
        assertThat(report.windows()).containsExactly(prompt, completion, laterPrompt);
    }

    @Test
    void hasNoTotalsWithoutWindows() {
        assertThat(UsageReport.of("t1", T0, T0, List.of()).totals()).isEmpty();
    }

    @Test
    void spellsMetersInLowerCaseAndReadsThemBack() {
        assertThat(MeterName.of(Meter.EMBEDDING_TOKENS)).isEqualTo("embedding_tokens");
        for (Meter meter : Meter.values()) {
            assertThat(MeterName.parse(MeterName.of(meter))).contains(meter);
        }
        assertThat(MeterName.parse("EMBEDDING_TOKENS")).isEmpty();
    }
}
