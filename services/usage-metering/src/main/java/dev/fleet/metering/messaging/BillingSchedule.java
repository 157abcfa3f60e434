package dev.fleet.metering.messaging;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * When invoice lines are written: a tenant's month is re-priced at most once per {@code interval} of
 * wall-clock time after its usage changed (the debounce) and after a new price book arrived; it is
 * DRAFT until {@code closeAfter} past the month's end (UTC), when it is priced a last time as FINAL and
 * never re-priced again.
 */
public record BillingSchedule(Duration interval, Duration closeAfter) {

    /** Lines within 5 s of a change; a month final one day after it ended. */
    public static final BillingSchedule DEFAULT = new BillingSchedule(Duration.ofSeconds(5), Duration.ofDays(1));

    public BillingSchedule {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(closeAfter, "closeAfter");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("the billing interval must be at least 1ms");
        }
        if (closeAfter.isNegative()) {
            throw new IllegalArgumentException("the close grace must not be negative");
        }
    }

    /** When {@code month} becomes FINAL. */
    public Instant closes(YearMonth month) {
        return month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).plus(closeAfter);
    }

    public boolean closed(YearMonth month, Instant now) {
        return !now.isBefore(closes(month));
    }
}
