package dev.fleet.metering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;

class UsageReportTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void totalsEachMeterOverAllWindowsAndModelsAndOrdersWindowsByStartMeterThenModel() {
        // given
        UsageWindow laterPrompt = new UsageWindow(Meter.PROMPT_TOKENS, "m", T0.plusSeconds(60), T0.plusSeconds(120), 5);
        UsageWindow completion = new UsageWindow(Meter.COMPLETION_TOKENS, "m", T0, T0.plusSeconds(60), 7);
        UsageWindow prompt = new UsageWindow(Meter.PROMPT_TOKENS, "m", T0, T0.plusSeconds(60), 10);
        UsageWindow otherModel = new UsageWindow(Meter.PROMPT_TOKENS, null, T0, T0.plusSeconds(60), 1);

        // when
        UsageReport report = UsageReport.of("t1", Granularity.MINUTE, T0, T0.plusSeconds(3600),
                List.of(laterPrompt, completion, prompt, otherModel));

        // then
        assertThat(report.totals()).containsEntry(Meter.PROMPT_TOKENS, 16L)
                .containsEntry(Meter.COMPLETION_TOKENS, 7L).hasSize(2);
        assertThat(report.windows()).containsExactly(otherModel, prompt, completion, laterPrompt);
    }

    @Test
    void hasNoTotalsWithoutWindows() {
        assertThat(UsageReport.of("t1", Granularity.HOUR, T0, T0, List.of()).totals()).isEmpty();
    }

    @Test
    void alignsWindowsOfEachGranularityToUtc() {
        Instant at = Instant.parse("2025-03-17T10:42:13Z");
        assertThat(RollupWindow.containing(Granularity.MINUTE, at).start()).isEqualTo("2025-03-17T10:42:00Z");
        assertThat(RollupWindow.containing(Granularity.HOUR, at).end()).isEqualTo("2025-03-17T11:00:00Z");
        assertThat(RollupWindow.containing(Granularity.DAY, at).start()).isEqualTo("2025-03-17T00:00:00Z");
        RollupWindow february = RollupWindow.containing(Granularity.MONTH, Instant.parse("2024-02-29T23:59:59Z"));
        assertThat(february.start()).isEqualTo("2024-02-01T00:00:00Z");
        assertThat(february.end()).isEqualTo("2024-03-01T00:00:00Z");
        assertThat(RollupWindow.parse("month")).contains(Granularity.MONTH);
        assertThat(RollupWindow.parse("week")).isEmpty();
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
