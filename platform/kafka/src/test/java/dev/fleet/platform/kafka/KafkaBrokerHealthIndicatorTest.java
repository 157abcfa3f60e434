package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

import dev.fleet.test.SharedKafka;

class KafkaBrokerHealthIndicatorTest {

    @Test
    void shouldBeUpWhileTheBrokerAnswers() throws Exception {
        KafkaBrokerHealthIndicator indicator = new KafkaBrokerHealthIndicator(
                Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), Duration.ofSeconds(5), Duration.ZERO);
        try {
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            assertThat(indicator.health().getDetails()).containsEntry("nodes", 1);
        } finally {
            indicator.destroy();
        }
    }

    @Test
    void shouldBeDownWhenNoBrokerAnswers() throws Exception {
        KafkaBrokerHealthIndicator indicator = new KafkaBrokerHealthIndicator(
                Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofMillis(500), Duration.ZERO);
        try {
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        } finally {
            indicator.destroy();
        }
    }
}
