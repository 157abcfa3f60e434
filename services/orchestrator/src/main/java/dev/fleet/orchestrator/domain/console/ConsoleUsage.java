package dev.fleet.orchestrator.domain.console;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.platform.billing.Invoice;

/**
 * The usage and billing page's read model: every tenant's usage per UTC day, its quota standing and its
 * invoice lines, as usage-metering's compacted topics state them (fed by the orchestrator's console
 * mirrors; this class knows no Kafka).
 * <p>
 * Usage per day comes from the {@code DAY} rollups only: usage-metering adds every usage record to its
 * minute, hour, day and month windows alike, so the day total already is the sum of the finer ones, and
 * reading any two granularities would count the usage twice. A rollup carries its window's running
 * total, so a later one for the same day, meter and model replaces the earlier; a correction (usage
 * that reached usage-metering after the day had left its state, {@code correction=true}) is an amount
 * under a record key of its own and is added. Records written before rollups had granularities are
 * per-minute and are not shown (see decision 0043).
 * <p>
 * Invoice lines: the latest record of a key (tenant/month/meter/model) is the line; a tombstone
 * removes it. Totals use the fleet's one invoice arithmetic ({@link Invoice}).
 * <p>
 * Limits: usage of days older than {@code retention} is dropped on arrival and pruned as time passes
 * (about 100 bytes per tenant, day, meter and model); quota and invoice lines are kept whole (one per
 * tenant; one per tenant, month, meter and model).
 */
public final class ConsoleUsage {

    /** The meters counted as tokens (the quota counts the same). */
    public static final Set<Meter> TOKEN_METERS = EnumSet.of(Meter.PROMPT_TOKENS, Meter.COMPLETION_TOKENS,
            Meter.EMBEDDING_TOKENS);

    /** The longest range a page may ask for: a page has no use for more, and a day is an entry of the answer. */
    public static final int MAX_DAYS = 3660;

    private final Duration retention;
    private final Clock clock;
    /** tenant → epoch day → slice (a series' total, or a correction's record key) → amount; never changed in place. */
    private final Map<String, NavigableMap<Long, Map<String, Slice>>> days = new ConcurrentHashMap<>();
    private final Map<String, QuotaStatus> quotas = new ConcurrentHashMap<>();
    /** tenant → month → record key → line. */
    private final Map<String, Map<YearMonth, Map<String, InvoiceLine>>> lines = new ConcurrentHashMap<>();

    public ConsoleUsage(Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
    }

    /** Applies one record of {@code fleet.usage.rollups.v1}; anything but a day rollup is ignored. */
    public void applyRollup(String key, UsageRollup rollup) {
        if (rollup == null || rollup.getGranularity() != Granularity.DAY) {
            return; // a tombstone: rollups are never deleted, only compacted
        }
        long day = LocalDate.ofInstant(rollup.getWindowStart(), ZoneOffset.UTC).toEpochDay();
        long oldest = oldestKept().toEpochDay();
        if (day < oldest) {
            return;
        }
        UsageSeries series = new UsageSeries(rollup.getMeter(), rollup.getModel());
        String slice = rollup.getCorrection() ? "late " + key : series.meter() + " " + series.model();
        NavigableMap<Long, Map<String, Slice>> tenant = days.computeIfAbsent(rollup.getTenantId(),
                t -> new ConcurrentSkipListMap<>());
        tenant.compute(day, (d, previous) -> {
            Map<String, Slice> next = previous == null ? new HashMap<>() : new HashMap<>(previous);
            next.put(slice, new Slice(series, rollup.getQuantity()));
            return Map.copyOf(next);
        });
        tenant.headMap(oldest).clear();
    }

    /** Applies one record of {@code fleet.quota.status.v1}; a tombstone forgets the tenant's status. */
    public void applyQuota(String tenantId, QuotaStatus status) {
        if (status == null) {
            quotas.remove(tenantId);
        } else {
            quotas.put(status.getTenantId(), status);
        }
    }

    /** Applies one record of {@code fleet.billing.lines.v1}: the latest of a key is the line, a tombstone removes it. */
    public void applyInvoiceLine(String key, InvoiceLine line) {
        if (line == null) {
            lines.values().forEach(months -> months.values().forEach(byKey -> byKey.remove(key)));
            return;
        }
        lines.computeIfAbsent(line.getTenantId(), t -> new ConcurrentHashMap<>())
                .computeIfAbsent(YearMonth.parse(line.getMonth()), m -> new ConcurrentHashMap<>())
                .put(key, line);
    }

    /** The first day whose usage is still known. */
    public LocalDate oldestKept() {
        return LocalDate.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC);
    }

    /** Token usage ({@link #TOKEN_METERS}) of {@code tenantId} per UTC day in {@code [from, to)}, per meter and model. */
    public TokensPerDay tokensPerDay(String tenantId, LocalDate from, LocalDate to) {
        return usagePerDay(tenantId, from, to, TOKEN_METERS);
    }

    /**
     * Usage on {@code meters} of {@code tenantId} per UTC day in {@code [from, to)}, per meter and model.
     *
     * @throws IllegalArgumentException when {@code to} is before {@code from} or the range is longer than {@link #MAX_DAYS}
     */
    public TokensPerDay usagePerDay(String tenantId, LocalDate from, LocalDate to, Set<Meter> meters) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        if (to.toEpochDay() - from.toEpochDay() > MAX_DAYS) {
            throw new IllegalArgumentException("at most " + MAX_DAYS + " days at once, asked for "
                    + (to.toEpochDay() - from.toEpochDay()));
        }
        NavigableMap<Long, Map<String, Slice>> tenant = days.getOrDefault(tenantId, new ConcurrentSkipListMap<>());
        tenant.headMap(oldestKept().toEpochDay()).clear();
        List<TokensPerDay.Day> result = new ArrayList<>();
        for (LocalDate date = from; date.isBefore(to); date = date.plusDays(1)) {
            Map<UsageSeries, Long> quantities = new HashMap<>();
            for (Slice slice : tenant.getOrDefault(date.toEpochDay(), Map.of()).values()) {
                if (meters.contains(slice.series().meter())) {
                    quantities.merge(slice.series(), slice.quantity(), Math::addExact);
                }
            }
            quantities.values().removeIf(q -> q == 0);
            result.add(new TokensPerDay.Day(date, quantities));
        }
        return new TokensPerDay(tenantId, from, to, oldestKept(), result);
    }

    /**
     * The tenant's quota standing for the current UTC month; empty when usage-metering has stated none
     * (a tenant that has not used anything since the quota topic began).
     */
    public Optional<QuotaView> quota(String tenantId) {
        QuotaStatus status = quotas.get(tenantId);
        if (status == null) {
            return Optional.empty();
        }
        YearMonth current = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        YearMonth counted = YearMonth.parse(status.getMonth());
        if (counted.isBefore(current)) {
            return Optional.of(new QuotaView(tenantId, current, 0, status.getLimit(),
                    status.getLimit() != null && status.getLimit() <= 0 ? QuotaState.EXCEEDED : QuotaState.OK,
                    status.getUpdatedAt()));
        }
        return Optional.of(new QuotaView(tenantId, counted, status.getUsed(), status.getLimit(), status.getState(),
                status.getUpdatedAt()));
    }

    /**
     * The tenant's invoice for {@code month}: its lines as last written, ordered by meter and model, the
     * exact total and the total rounded to the currency's minor unit, DRAFT while any line is. A month
     * without lines is an empty invoice (total 0, no currency), DRAFT until the month is over.
     */
    public Invoice invoice(String tenantId, YearMonth month) {
        List<InvoiceLine> monthLines = List.copyOf(lines.getOrDefault(tenantId, Map.of())
                .getOrDefault(month, Map.of()).values());
        return Invoice.of(tenantId, month, monthLines, month.plusMonths(1).atDay(1).atStartOfDay()
                .toInstant(ZoneOffset.UTC), clock.instant());
    }

    /** {@link #invoice} as CSV ({@link InvoiceCsv}). */
    public String invoiceCsv(String tenantId, YearMonth month) {
        return InvoiceCsv.of(invoice(tenantId, month));
    }

    /** The months with invoice lines of {@code tenantId}, latest first. */
    public List<YearMonth> invoiceMonths(String tenantId) {
        return lines.getOrDefault(tenantId, Map.of()).entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .sorted(java.util.Comparator.reverseOrder())
                .toList();
    }

    private record Slice(UsageSeries series, long quantity) {
    }
}
