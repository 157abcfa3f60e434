package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRollup;

class UsageLedgerTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:30:00Z");
    private final UsageLedger ledger = new UsageLedger(Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldReplaceAWindowsTotalWithItsLaterRollup() {
        // given the same window twice (a running total), and a replay of the first
        ledger.apply(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 10));
        ledger.apply(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 30));
        ledger.apply(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 30));
        // when
        UsageReport report = ledger.report("t1", NOW.minus(Duration.ofHours(1)), NOW, Duration.ofHours(1));
        // then
        assertThat(report.totals()).containsEntry(Meter.PROMPT_TOKENS, 30L).containsEntry(Meter.SEARCH_QUERIES, 0L);
    }

    @Test
    void shouldSumWindowsIntoBucketsAndLeaveEmptyBucketsOut() {
        ledger.apply(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T10:05:00Z", 1));
        ledger.apply(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T10:59:00Z", 2));
        ledger.apply(rollup("t1", Meter.COMPLETION_TOKENS, "2026-03-10T12:10:00Z", 5));

        UsageReport report = ledger.report("t1", NOW.minus(Duration.ofDays(1)), NOW, Duration.ofHours(1));

        assertThat(report.buckets()).extracting(UsageReport.Bucket::start).containsExactly(
                Instant.parse("2026-03-10T10:00:00Z"), Instant.parse("2026-03-10T12:00:00Z"));
        assertThat(report.buckets().get(0).usage()).containsEntry(Meter.PROMPT_TOKENS, 3L);
        assertThat(report.buckets().get(0).end()).isEqualTo(Instant.parse("2026-03-10T11:00:00Z"));
        assertThat(report.buckets().get(1).usage()).containsEntry(Meter.COMPLETION_TOKENS, 5L);
    }

    @Test
    void shouldNeverReportAnotherTenantsUsage() {
        ledger.apply(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 10));
        ledger.apply(rollup("t2", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 99));

        assertThat(ledger.report("t1", NOW.minus(Duration.ofHours(1)), NOW, Duration.ofMinutes(1)).totals())
                .containsEntry(Meter.PROMPT_TOKENS, 10L);
        assertThat(ledger.report("t3", NOW.minus(Duration.ofHours(1)), NOW, Duration.ofMinutes(1)).buckets())
                .isEmpty();
    }

    @Test
    void shouldDropWindowsOlderThanTheRetention() {
        ledger.apply(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-01T12:00:00Z", 10));

        UsageReport report = ledger.report("t1", NOW.minus(Duration.ofDays(30)), NOW, Duration.ofDays(1));

        assertThat(report.buckets()).isEmpty();
        assertThat(report.availableFrom()).isEqualTo(NOW.minus(Duration.ofDays(7)));
    }

    @Test
    void addsModelsAndCorrectionsOfAMinuteAndIgnoresLongerWindows() {
        // given
        ledger.apply("k1", rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 10));
        ledger.apply("k2", withModel(rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 4), "other"));
        UsageRollup late = rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 3);
        late.setCorrection(true);
        ledger.apply("k1/late/e1", late);
        ledger.apply("k1/late/e1", late);
        UsageRollup hour = rollup("t1", Meter.PROMPT_TOKENS, "2026-03-10T12:00:00Z", 1000);
        hour.setGranularity(Granularity.HOUR);
        ledger.apply("k3", hour);

        // when
        UsageReport report = ledger.report("t1", NOW.minus(Duration.ofDays(1)), NOW, Duration.ofHours(1));

        // then
        assertThat(report.totals()).containsEntry(Meter.PROMPT_TOKENS, 17L);
    }

    private static UsageRollup withModel(UsageRollup rollup, String model) {
        rollup.setModel(model);
        return rollup;
    }

    private static UsageRollup rollup(String tenant, Meter meter, String start, long quantity) {
        Instant windowStart = Instant.parse(start);
        return UsageRollup.newBuilder().setTenantId(tenant).setMeter(meter).setWindowStart(windowStart)
                .setWindowEnd(windowStart.plus(Duration.ofMinutes(1))).setQuantity(quantity).build();
    }
}
