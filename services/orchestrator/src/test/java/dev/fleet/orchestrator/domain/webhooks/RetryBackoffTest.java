package dev.fleet.orchestrator.domain.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesUpToTheMaximumAndStopsAfterTheLastAttempt() {
        RetryBackoff backoff = new RetryBackoff(5, Duration.ofSeconds(5), Duration.ofSeconds(15));

        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.after(3)).isEqualTo(Duration.ofSeconds(15));
        assertThat(backoff.after(4)).isEqualTo(Duration.ofSeconds(15));
        assertThat(backoff.after(5)).isNull();
    }

    @Test
    void refusesAMaximumBelowTheFirstPause() {
        assertThatThrownBy(() -> new RetryBackoff(3, Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
