package dev.fleet.orchestrator.domain.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void isExactBelow64MillisAndWithinThreePercentAbove() {
        LatencyHistogram small = new LatencyHistogram();
        for (long v : new long[] {5, 1, 63, 7, 2}) {
            small.record(v);
        }
        assertThat(small.quantile(0.5)).isEqualTo(5);

        for (long value : new long[] {64, 100, 999, 12_345, 3_600_000, 1L << 30}) {
            LatencyHistogram one = new LatencyHistogram();
            one.record(value);
            assertThat((double) one.quantile(0.5)).isCloseTo(value, within(value * 0.03));
        }
    }

    @Test
    void bucketsAreContiguousAndOrdered() {
        for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
            assertThat(LatencyHistogram.lowest(i)).isGreaterThan(LatencyHistogram.lowest(i - 1));
            assertThat(LatencyHistogram.index(LatencyHistogram.lowest(i))).isEqualTo(i);
            assertThat(LatencyHistogram.index(LatencyHistogram.lowest(i) - 1)).isEqualTo(i - 1);
        }
        assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void medianOfManyIsTheMiddleValueAndEmptyIsNull() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.quantile(0.5)).isNull();
        for (long v = 1; v <= 1001; v++) {
            h.record(v * 10);
        }
        assertThat((double) h.quantile(0.5)).isCloseTo(5010, within(5010 * 0.03));
        assertThat(h.count()).isEqualTo(1001);
    }
}
