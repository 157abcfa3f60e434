package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import dev.fleet.test.SharedKafka;

class KafkaBrokerHealthIndicatorTest {

    @Test
    void shouldBeUpWithTheNodeCountWhileTheBrokerAnswers() {
        // given
        try (KafkaReachability reachability = new KafkaReachability(
                Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), Duration.ofSeconds(1), Duration.ofSeconds(5))) {
            // when
            reachability.check();
            Health health = new KafkaBrokerHealthIndicator(reachability).health();
            // then
            assertThat(reachability.isReachable()).isTrue();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("nodes", 1).containsKey("since");
        }
    }

    @Test
    void shouldBeDownWithTheErrorWhenNoBrokerAnswers() {
        // given
        try (KafkaReachability reachability = new KafkaReachability(
                Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofSeconds(1), Duration.ofMillis(500))) {
            // when
            reachability.check();
            Health health = new KafkaBrokerHealthIndicator(reachability).health();
            // then
            assertThat(reachability.isReachable()).isFalse();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsKey("error");
        }
    }

    @Test
    void shouldBeDownBeforeTheFirstAnswer() {
        try (KafkaReachability reachability = new KafkaReachability(
                Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), Duration.ofSeconds(1), Duration.ofSeconds(5))) {
            assertThat(new KafkaBrokerHealthIndicator(reachability).health().getStatus()).isEqualTo(Status.DOWN);
        }
    }
}
