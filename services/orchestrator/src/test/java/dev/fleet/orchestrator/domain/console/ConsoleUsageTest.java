package dev.fleet.orchestrator.domain.console;

import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.day;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.key;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.line;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.lineKey;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.quota;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.rollup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.platform.billing.Invoice;

class ConsoleUsageTest {

    private static final String TENANT = "7d3c9f0e-1111-4a4a-9b9b-000000000001";
    private static final LocalDate D1 = LocalDate.parse("2026-11-18");
    private static final LocalDate D2 = LocalDate.parse("2026-11-19");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC);

    private final ConsoleUsage usage = new ConsoleUsage(Duration.ofDays(30), NOW);

    private void apply(UsageRollup rollup) {
        usage.applyRollup(key(rollup), rollup);
    }

    @Test
    void countsDayRollupsOnlySoFinerGranularitiesOfTheSameUsageAreNotCountedTwice() {
        // given the same 300 tokens as usage-metering writes them: per minute, hour, day and month
        Instant start = D1.atTime(9, 30).toInstant(ZoneOffset.UTC);
        apply(rollup(TENANT, Granularity.MINUTE, start, Meter.PROMPT_TOKENS, "gpt-a", 300, false));
        apply(rollup(TENANT, Granularity.HOUR, D1.atTime(9, 0).toInstant(ZoneOffset.UTC), Meter.PROMPT_TOKENS,
                "gpt-a", 300, false));
        apply(day(TENANT, D1, Meter.PROMPT_TOKENS, "gpt-a", 300));
        apply(rollup(TENANT, Granularity.MONTH, Instant.parse("2026-11-01T00:00:00Z"), Meter.PROMPT_TOKENS, "gpt-a",
                300, false));
        // when the page asks for the days
        TokensPerDay result = usage.tokensPerDay(TENANT, D1, D2.plusDays(1));
        // then the day shows 300 once, and the other day is present and empty
        assertThat(result.days()).extracting(TokensPerDay.Day::date).containsExactly(D1, D2);
        assertThat(result.days().get(0).quantities())
                .isEqualTo(Map.of(new UsageSeries(Meter.PROMPT_TOKENS, "gpt-a"), 300L));
        assertThat(result.days().get(1).quantities()).isEmpty();
    }

    @Test
    void aLaterTotalReplacesTheEarlierAndCorrectionsAreAdded() {
        // given a day's running total written twice, and two corrections for that day
        apply(day(TENANT, D1, Meter.COMPLETION_TOKENS, "gpt-a", 100));
        apply(day(TENANT, D1, Meter.COMPLETION_TOKENS, "gpt-a", 250));
        UsageRollup late = rollup(TENANT, Granularity.DAY, D1.atStartOfDay().toInstant(ZoneOffset.UTC),
                Meter.COMPLETION_TOKENS, "gpt-a", 7, true);
        apply(rollup(TENANT, Granularity.DAY, D1.atStartOfDay().toInstant(ZoneOffset.UTC), Meter.COMPLETION_TOKENS,
                "gpt-a", 3, true));
        // and a correction read twice under its own record key (a replay) that must count once
        String lateKey = key(late);
        usage.applyRollup(lateKey, late);
        usage.applyRollup(lateKey, late);
        // then the day is the last total plus each correction once
        assertThat(usage.tokensPerDay(TENANT, D1, D2).days().get(0)
                .quantity(new UsageSeries(Meter.COMPLETION_TOKENS, "gpt-a"))).isEqualTo(250 + 3 + 7);
    }

    @Test
    void separatesSeriesByMeterAndModelAndLeavesSearchQueriesOutOfTokens() {
        apply(day(TENANT, D1, Meter.PROMPT_TOKENS, "gpt-a", 10));
        apply(day(TENANT, D1, Meter.PROMPT_TOKENS, "gpt-b", 20));
        apply(day(TENANT, D1, Meter.EMBEDDING_TOKENS, null, 30));
        apply(day(TENANT, D1, Meter.SEARCH_QUERIES, null, 5));
        apply(day("another-tenant", D1, Meter.PROMPT_TOKENS, "gpt-a", 1000));

        TokensPerDay result = usage.tokensPerDay(TENANT, D1, D2);

        assertThat(result.series()).containsExactly(new UsageSeries(Meter.PROMPT_TOKENS, "gpt-a"),
                new UsageSeries(Meter.PROMPT_TOKENS, "gpt-b"), new UsageSeries(Meter.EMBEDDING_TOKENS, "-"));
        assertThat(result.days().get(0).total()).isEqualTo(60);
        assertThat(usage.usagePerDay(TENANT, D1, D2, java.util.EnumSet.of(Meter.SEARCH_QUERIES)).days().get(0).total())
                .isEqualTo(5);
    }

    @Test
    void dropsDaysOlderThanTheRetentionAndAnswersEmptyForUnknownTenants() {
        LocalDate old = LocalDate.parse("2026-10-01");
        apply(day(TENANT, old, Meter.PROMPT_TOKENS, "gpt-a", 10));

        assertThat(usage.tokensPerDay(TENANT, old, old.plusDays(1)).isEmpty()).isTrue();
        assertThat(usage.tokensPerDay(TENANT, old, old.plusDays(1)).oldestKept()).isEqualTo(LocalDate.parse("2026-10-21"));
        assertThat(usage.tokensPerDay("nobody", D1, D2).isEmpty()).isTrue();
        assertThat(usage.tokensPerDay("nobody", D1, D1).days()).isEmpty();
        assertThatThrownBy(() -> usage.tokensPerDay(TENANT, D2, D1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> usage.tokensPerDay(TENANT, D1, D1.plusDays(ConsoleUsage.MAX_DAYS + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quotaOfTheCurrentMonthAsStatedAndOfAnEarlierMonthAsNothingUsedYet() {
        usage.applyQuota(TENANT, quota(TENANT, "2026-11", 850, 1000L, QuotaState.WARNING));
        usage.applyQuota("other", quota("other", "2026-10", 5000, 1000L, QuotaState.EXCEEDED));

        QuotaView current = usage.quota(TENANT).orElseThrow();
        assertThat(current).extracting(QuotaView::month, QuotaView::used, QuotaView::limit, QuotaView::state)
                .containsExactly(YearMonth.of(2026, 11), 850L, 1000L, QuotaState.WARNING);
        assertThat(current.percentUsed()).isEqualTo(85);
        QuotaView turned = usage.quota("other").orElseThrow();
        assertThat(turned).extracting(QuotaView::month, QuotaView::used, QuotaView::state)
                .containsExactly(YearMonth.of(2026, 11), 0L, QuotaState.OK);
        assertThat(usage.quota("nobody")).isEmpty();
        usage.applyQuota(TENANT, null);
        assertThat(usage.quota(TENANT)).isEmpty();
    }

    @Test
    void invoiceTakesTheLatestLineOfEachKeyAndTotalsExactlyPerMonth() {
        // given lines of two months, one line of November rewritten later (and finally)
        InvoiceLine first = line(TENANT, "2026-11", Meter.PROMPT_TOKENS, "gpt-a", 1_000_000, "0.15", InvoiceStatus.DRAFT);
        InvoiceLine rewritten = line(TENANT, "2026-11", Meter.PROMPT_TOKENS, "gpt-a", 1_234_567, "0.18518505",
                InvoiceStatus.DRAFT);
        InvoiceLine other = line(TENANT, "2026-11", Meter.COMPLETION_TOKENS, "gpt-a", 10, "0.00000150",
                InvoiceStatus.DRAFT);
        InvoiceLine october = line(TENANT, "2026-10", Meter.PROMPT_TOKENS, "gpt-a", 10, "9.99", InvoiceStatus.FINAL);
        for (InvoiceLine line : new InvoiceLine[] {first, other, october, rewritten}) {
            usage.applyInvoiceLine(lineKey(line), line);
        }
        // when
        Invoice november = usage.invoice(TENANT, YearMonth.of(2026, 11));
        // then one line per key, the later one, and the exact sum rounded once, half-even, to cents
        assertThat(november.lines()).containsExactly(rewritten, other);
        assertThat(november.exactTotal()).isEqualByComparingTo(new BigDecimal("0.18518655"));
        assertThat(november.total()).isEqualTo(new BigDecimal("0.19"));
        assertThat(november.status()).isEqualTo(InvoiceStatus.DRAFT);
        assertThat(november.currency()).isEqualTo("USD");
        Invoice octoberInvoice = usage.invoice(TENANT, YearMonth.of(2026, 10));
        assertThat(octoberInvoice.lines()).containsExactly(october);
        assertThat(octoberInvoice.status()).isEqualTo(InvoiceStatus.FINAL);
        assertThat(usage.invoiceMonths(TENANT)).containsExactly(YearMonth.of(2026, 11), YearMonth.of(2026, 10));
    }

    @Test
    void aMonthWithoutLinesIsAnEmptyInvoiceAndATombstoneRemovesItsLine() {
        InvoiceLine line = line(TENANT, "2026-11", Meter.PROMPT_TOKENS, "gpt-a", 10, "1.00", InvoiceStatus.DRAFT);
        usage.applyInvoiceLine(lineKey(line), line);
        usage.applyInvoiceLine(lineKey(line), null);

        Invoice empty = usage.invoice(TENANT, YearMonth.of(2026, 11));
        assertThat(empty.lines()).isEmpty();
        assertThat(empty.total()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(empty.currency()).isNull();
        assertThat(empty.status()).isEqualTo(InvoiceStatus.DRAFT);
        assertThat(usage.invoice("nobody", YearMonth.of(2026, 9)).status()).isEqualTo(InvoiceStatus.FINAL);
        assertThat(usage.invoiceCsv("nobody", YearMonth.of(2026, 9))).hasLineCount(2);
    }
}
