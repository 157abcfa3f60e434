package dev.fleet.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Nearest-rank percentiles of a set of durations in nanoseconds, printed in milliseconds. Exact
 * (the samples are kept and sorted), so only for the thousands of samples a bench run takes.
 */
record Percentiles(int count, double p50Millis, double p99Millis, double maxMillis) {

    static Percentiles of(List<Long> nanos) {
        if (nanos.isEmpty()) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, millis(rank(sorted, 0.50)), millis(rank(sorted, 0.99)),
                millis(sorted[sorted.length - 1]));
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000d;
    }

    /** {@code name count=N p50_ms=… p99_ms=… max_ms=…}: one line that scripts read with a regex. */
    String line(String name) {
        return String.format(Locale.ROOT, "%s count=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f", name, count, p50Millis,
                p99Millis, maxMillis);
    }
}
