package dev.fleet.orchestrator.domain.console;

/**
 * Counts of latencies in fixed buckets, for percentiles in bounded memory: values below 64 ms are
 * exact, larger ones fall into 32 buckets per power of two (at most about 3 % wide), values from
 * 2^31 ms (about 25 days) on share the last bucket. 864 counters, about 7 KB. Not thread-safe.
 */
final class LatencyHistogram {

    private static final int EXACT = 64;
    private static final int SUB_BUCKETS = 32;
    private static final int MAX_BIT = 31;
    static final int BUCKETS = EXACT + (MAX_BIT - 6) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;

    void record(long millis) {
        counts[index(Math.max(0, millis))]++;
        total++;
    }

    long count() {
        return total;
    }

    /**
     * The value at {@code quantile} (0..1): the nearest-rank value, exact below 64 ms, otherwise the
     * middle of its bucket; null when nothing was recorded.
     */
    Long quantile(double quantile) {
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return middle(i);
            }
        }
        return middle(BUCKETS - 1);
    }

    static int index(long value) {
        if (value < EXACT) {
            return (int) value;
        }
        int bit = 63 - Long.numberOfLeadingZeros(value); // 6 for 64..127
        if (bit >= MAX_BIT) {
            return BUCKETS - 1;
        }
        int sub = (int) (value >>> (bit - 5)) & (SUB_BUCKETS - 1);
        return EXACT + (bit - 6) * SUB_BUCKETS + sub;
    }

    static long lowest(int index) {
        if (index < EXACT) {
            return index;
        }
        int bit = 6 + (index - EXACT) / SUB_BUCKETS;
        int sub = (index - EXACT) % SUB_BUCKETS;
        return (1L << bit) + ((long) sub << (bit - 5));
    }

    private static long middle(int index) {
        if (index < EXACT) {
            return index;
        }
        long low = lowest(index);
        long width = 1L << (6 + (index - EXACT) / SUB_BUCKETS - 5);
        return low + (width - 1) / 2;
    }
}
