package dev.fleet.metering.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.fleet.events.v1.Meter;

/**
 * A tenant's usage between two instants: the windows that started in {@code [from, to]} and
 * their totals per meter. Meters without usage have no total.
 */
public record UsageReport(String tenantId, Instant from, Instant to, Map<Meter, Long> totals,
        List<UsageWindow> windows) {

    private static final Comparator<UsageWindow> BY_START_THEN_METER = Comparator.comparing(UsageWindow::start)
            .thenComparing(UsageWindow::meter);

    /** The report over {@code windows}, ordered by window start, then meter. */
    public static UsageReport of(String tenantId, Instant from, Instant to, List<UsageWindow> windows) {
        Map<Meter, Long> totals = new EnumMap<>(Meter.class);
        for (UsageWindow window : windows) {
            totals.merge(window.meter(), window.quantity(), Long::sum);
        }
        List<UsageWindow> ordered = windows.stream().sorted(BY_START_THEN_METER).toList();
        return new UsageReport(tenantId, from, to, Collections.unmodifiableMap(totals), ordered);
    }
}
