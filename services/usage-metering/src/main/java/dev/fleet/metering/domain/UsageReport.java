package dev.fleet.metering.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;

/**
 * A tenant's usage between two instants: the windows of one granularity that started in
 * {@code [from, to]} and their totals per meter (over all models). Meters without usage have no total.
 */
public record UsageReport(String tenantId, Granularity granularity, Instant from, Instant to,
        Map<Meter, Long> totals, List<UsageWindow> windows) {

    private static final Comparator<UsageWindow> BY_START_METER_MODEL = Comparator.comparing(UsageWindow::start)
            .thenComparing(UsageWindow::meter)
            .thenComparing(UsageWindow::model, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** The report over {@code windows}, ordered by window start, then meter, then model. */
    public static UsageReport of(String tenantId, Granularity granularity, Instant from, Instant to,
            List<UsageWindow> windows) {
        Map<Meter, Long> totals = new EnumMap<>(Meter.class);
        for (UsageWindow window : windows) {
            totals.merge(window.meter(), window.quantity(), Long::sum);
        }
        List<UsageWindow> ordered = windows.stream().sorted(BY_START_METER_MODEL).toList();
        return new UsageReport(tenantId, granularity, from, to, Collections.unmodifiableMap(totals), ordered);
    }
}
