package dev.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void takesTheNearestRankOfUnsortedSamples() {
        List<Long> nanos = new ArrayList<>();
        for (long ms = 1; ms <= 200; ms++) {
            nanos.add(ms * 1_000_000);
        }
        Collections.shuffle(nanos);

        Percentiles p = Percentiles.of(nanos);

        assertThat(p.count()).isEqualTo(200);
        assertThat(p.p50Millis()).isEqualTo(100.0);
        assertThat(p.p99Millis()).isEqualTo(198.0);
        assertThat(p.maxMillis()).isEqualTo(200.0);
        assertThat(p.line("gap_fleet")).isEqualTo("gap_fleet count=200 p50_ms=100.000 p99_ms=198.000 max_ms=200.000");
    }

    @Test
    void refusesAnEmptySampleAndUnknownFlags() {
        assertThatThrownBy(() -> Percentiles.of(List.of())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Flags.parse(new String[] {"--cout", "3"}, Map.of("count", "1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Flags.parse(new String[] {"--count", "3"}, Map.of("count", "1"))).containsEntry("count", "3");
    }
}
