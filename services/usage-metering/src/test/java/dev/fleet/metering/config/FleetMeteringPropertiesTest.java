package dev.fleet.metering.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class FleetMeteringPropertiesTest {

    @Test
    void defaultsToA64MegabyteRecordCacheAndHalfSecondCommits() {
        // when
        FleetMeteringProperties properties = bind(Map.of());

        // then
        assertThat(properties.cacheMaxBytes()).isEqualTo(DataSize.ofMegabytes(64));
        assertThat(properties.commitInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesACommitIntervalThatWouldDelayQuotaStatusesBeyondASecond() {
        assertThatThrownBy(() -> bind(Map.of("fleet.metering.commit-interval", "2s")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("commit-interval");
        assertThat(bind(Map.of("fleet.metering.commit-interval", "1s")).commitInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    private static FleetMeteringProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("fleet.metering", FleetMeteringProperties.class);
    }
}
