package dev.fleet.orchestrator.domain.console;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A tenant's usage per UTC day in {@code [from, to)}, per {@link UsageSeries}: every day of the range
 * is present (a day without usage has an empty map), series with zero usage are left out of a day.
 *
 * @param oldestKept the first day still held; days before it show no usage because they are no longer known
 */
public record TokensPerDay(String tenantId, LocalDate from, LocalDate to, LocalDate oldestKept, List<Day> days) {

    public TokensPerDay {
        days = List.copyOf(days);
    }

    /** One day's quantities. */
    public record Day(LocalDate date, Map<UsageSeries, Long> quantities) {

        public Day {
            quantities = Map.copyOf(quantities);
        }

        public long quantity(UsageSeries series) {
            return quantities.getOrDefault(series, 0L);
        }

        public long total() {
            return quantities.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Every series with usage on some day of the range, ordered by meter, then model. */
    public List<UsageSeries> series() {
        TreeSet<UsageSeries> all = new TreeSet<>();
        days.forEach(day -> all.addAll(day.quantities().keySet()));
        return List.copyOf(all);
    }

    /** Whether no day of the range has any usage. */
    public boolean isEmpty() {
        return days.stream().allMatch(day -> day.quantities().isEmpty());
    }
}
