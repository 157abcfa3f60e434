package dev.fleet.metering.messaging;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.metering.domain.DailyUsage;
import dev.fleet.metering.domain.InvoiceCalculator;
import dev.fleet.metering.domain.InvoiceLineKey;
import dev.fleet.metering.domain.PriceBooks;
import dev.fleet.metering.domain.PricedLine;
import dev.fleet.metering.domain.RollupWindow;
import dev.fleet.platform.kafka.streams.OutputHeaders;

/**
 * Invoice lines of one task's tenants, recomputed from the day totals in {@link UsageTopology#STORE}:
 * each day rollup marks its tenant's month dirty in {@link UsageTopology#BILLING_MONTHS_STORE}; every
 * {@link BillingSchedule#interval()} of wall-clock time the dirty months (and all open months, when the
 * versions in the global {@link UsageTopology#PRICE_BOOK_STORE} changed) are priced anew
 * ({@link InvoiceCalculator}) and every line written, DRAFT; a month past
 * {@link BillingSchedule#closes} is priced a last time and written FINAL. Usage for a FINAL month is
 * not billed; it is counted in the sensor {@code usage-after-invoice-final-records}.
 *
 * <p>Limits: each punctuation scans the task's months (one small entry per tenant and month, kept);
 * a day total pruned from the store (after {@code fleet.metering.day-retention}) can no longer be
 * re-priced, so a price book must not reach back further than that (the admin API does not allow a
 * version to take effect before the latest one).
 */
final class BillingProcessor implements Processor<String, UsageRollup, String, InvoiceLine> {

    static final String DIRTY = "DIRTY";
    static final String DRAFT = "DRAFT";
    static final String FINAL = "FINAL";
    static final String BOOKS_SEEN_KEY = "versions";

    private final BillingSchedule schedule;
    private final String producedBy;
    private ProcessorContext<String, InvoiceLine> context;
    private KeyValueStore<String, Long> totals;
    private KeyValueStore<String, String> months;
    private KeyValueStore<String, String> booksSeen;
    private KeyValueStore<String, PriceBook> books;
    private Sensor afterFinal;

    BillingProcessor(BillingSchedule schedule, String producedBy) {
        this.schedule = schedule;
        this.producedBy = producedBy;
    }

    @Override
    public void init(ProcessorContext<String, InvoiceLine> context) {
        this.context = context;
        this.totals = context.getStateStore(UsageTopology.STORE);
        this.months = context.getStateStore(UsageTopology.BILLING_MONTHS_STORE);
        this.booksSeen = context.getStateStore(UsageTopology.BILLING_BOOKS_SEEN_STORE);
        this.books = context.getStateStore(UsageTopology.PRICE_BOOK_STORE);
        this.afterFinal = context.metrics().addRateTotalSensor("usage-metering", "billing",
                "usage-after-invoice-final", Sensor.RecordingLevel.INFO);
        context.schedule(schedule.interval(), PunctuationType.WALL_CLOCK_TIME, this::bill);
    }

    @Override
    public void process(Record<String, UsageRollup> record) {
        UsageRollup rollup = record.value();
        if (rollup.getGranularity() != Granularity.DAY || rollup.getCorrection()) {
            return;
        }
        String key = monthKey(rollup.getTenantId(), RollupWindow.month(rollup.getWindowStart()));
        if (FINAL.equals(months.get(key))) {
            afterFinal.record();
            return;
        }
        months.put(key, DIRTY);
    }

    private void bill(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        PriceBooks known = priceBooks();
        String versions = known.versions().stream().map(b -> Integer.toString(b.getVersion())).toList().toString();
        boolean booksChanged = !versions.equals(booksSeen.get(BOOKS_SEEN_KEY));
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> all = months.all()) {
            while (all.hasNext()) {
                KeyValue<String, String> month = all.next();
                if (!FINAL.equals(month.value) && (booksChanged || DIRTY.equals(month.value)
                        || schedule.closed(month(month.key), now))) {
                    due.add(month);
                }
            }
        }
        for (KeyValue<String, String> month : due) {
            boolean closing = schedule.closed(month(month.key), now);
            writeLines(tenant(month.key), month(month.key), known, closing, now);
            months.put(month.key, closing ? FINAL : DRAFT);
        }
        if (booksChanged) {
            booksSeen.put(BOOKS_SEEN_KEY, versions);
        }
    }

    private void writeLines(String tenantId, YearMonth month, PriceBooks known, boolean closing, Instant now) {
        InvoiceStatus status = closing ? InvoiceStatus.FINAL : InvoiceStatus.DRAFT;
        for (PricedLine line : InvoiceCalculator.price(dailyUsage(tenantId, month), known)) {
            String key = InvoiceLineKey.of(tenantId, month, line.meter(), line.model());
            InvoiceLine value = InvoiceLine.newBuilder()
                    .setTenantId(tenantId)
                    .setMonth(month.toString())
                    .setMeter(line.meter())
                    .setModel(InvoiceLineKey.model(line.model()))
                    .setQuantity(line.quantity())
                    .setUnitPrice(new Money(line.unitPrice().toPlainString(), line.currency()))
                    .setPer(line.per())
                    .setAmount(new Money(line.amount().toPlainString(), line.currency()))
                    .setPriceBookVersion(line.priceBookVersion())
                    .setStatus(status)
                    .setComputedAt(now)
                    .build();
            String identity = key + "@" + line.quantity() + "@" + line.amount().toPlainString() + "@"
                    + line.priceBookVersion() + "@" + status;
            context.forward(new Record<>(key, value, now.toEpochMilli(),
                    OutputHeaders.of(identity, tenantId, null, producedBy)));
        }
    }

    /** The day totals of the tenant's month, from the same store the rollups are written from. */
    private List<DailyUsage> dailyUsage(String tenantId, YearMonth month) {
        Instant first = month.atDay(1).atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
        Instant last = month.atEndOfMonth().atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
        List<DailyUsage> days = new ArrayList<>();
        try (KeyValueIterator<String, Long> found = totals.range(RollupKey.rangeStart(tenantId, Granularity.DAY, first),
                RollupKey.rangeEnd(tenantId, Granularity.DAY, last))) {
            while (found.hasNext()) {
                KeyValue<String, Long> entry = found.next();
                RollupKey key = RollupKey.parse(entry.key);
                if (!key.windowStart().isBefore(first) && !key.windowStart().isAfter(last)) {
                    days.add(new DailyUsage(key.windowStart(), key.meter(), key.model(), entry.value));
                }
            }
        }
        return days;
    }

    private PriceBooks priceBooks() {
        Map<Integer, PriceBook> byVersion = new TreeMap<>();
        try (KeyValueIterator<String, PriceBook> all = books.all()) {
            all.forEachRemaining(entry -> byVersion.put(entry.value.getVersion(), entry.value));
        }
        return PriceBooks.of(byVersion.values());
    }

    static String monthKey(String tenantId, YearMonth month) {
        return tenantId + "/" + month;
    }

    private static String tenant(String monthKey) {
        return monthKey.substring(0, monthKey.lastIndexOf('/'));
    }

    private static YearMonth month(String monthKey) {
        return YearMonth.parse(monthKey.substring(monthKey.lastIndexOf('/') + 1));
    }
}
