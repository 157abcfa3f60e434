package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SignInThrottleTest {

    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private final SignInThrottle throttle = new SignInThrottle(3, Duration.ofSeconds(30), Duration.ofMinutes(2), clock);

    @Test
    void letsAnAddressTryUntilItsAllowanceThenMakesItWaitLongerAfterEachWrongToken() {
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(1);
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(2);
        assertThat(throttle.waitFor("10.0.0.1")).isEmpty();

        assertThat(throttle.failed("10.0.0.1")).isEqualTo(3);
        assertThat(throttle.waitFor("10.0.0.1")).contains(Duration.ofSeconds(30));
        assertThat(throttle.waitFor("10.0.0.2")).as("another address is not slowed down").isEmpty();

        now = now.plusSeconds(31);
        assertThat(throttle.waitFor("10.0.0.1")).isEmpty();
        throttle.failed("10.0.0.1");
        assertThat(throttle.waitFor("10.0.0.1")).contains(Duration.ofSeconds(60));
        now = now.plusSeconds(61);
        throttle.failed("10.0.0.1");
        throttle.failed("10.0.0.1");
        assertThat(throttle.waitFor("10.0.0.1")).as("capped").contains(Duration.ofMinutes(2));
    }

    @Test
    void aSuccessfulSignInForgetsTheAddress() {
        throttle.failed("10.0.0.1");
        throttle.failed("10.0.0.1");
        throttle.succeeded("10.0.0.1");
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(1);
        assertThat(throttle.waitFor("10.0.0.1")).isEqualTo(Optional.empty());
    }

    @Test
    void quietAddressesAreForgottenSoOneOffAttemptsDoNotAccumulate() {
        throttle.failed("10.0.0.1");
        now = now.plus(Duration.ofMinutes(3));
        assertThat(throttle.failed("10.0.0.2")).isEqualTo(1);
        assertThat(throttle.failed("10.0.0.1")).as("counted afresh").isEqualTo(1);
    }
}
