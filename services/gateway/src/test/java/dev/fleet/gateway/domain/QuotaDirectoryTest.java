package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;

class QuotaDirectoryTest {

    private static final Instant NOW = Instant.parse("2026-11-30T23:00:00Z");

    private final QuotaDirectory quotas = new QuotaDirectory(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldRefuseATenantOverItsQuotaThisMonthUntilTheMonthTurns() {
        // given
        quotas.apply("t1", status("2026-11", QuotaState.EXCEEDED));

        // when / then
        assertThat(quotas.exceeded("t1")).contains(Duration.ofHours(1));
        assertThat(quotas.exceeded("t2")).isEmpty();
    }

    @Test
    void shouldAdmitATenantWhoseExceededStatusIsOfAnEarlierMonthOrWasLifted() {
        // given
        quotas.apply("last-month", status("2026-10", QuotaState.EXCEEDED));
        quotas.apply("raised", status("2026-11", QuotaState.EXCEEDED));
        quotas.apply("raised", status("2026-11", QuotaState.WARNING));
        quotas.apply("forgotten", status("2026-11", QuotaState.EXCEEDED));
        quotas.apply("forgotten", null);

        // then
        assertThat(quotas.exceeded("last-month")).isEmpty();
        assertThat(quotas.exceeded("raised")).isEmpty();
        assertThat(quotas.exceeded("forgotten")).isEmpty();
    }

    private static QuotaStatus status(String month, QuotaState state) {
        return QuotaStatus.newBuilder().setTenantId("t").setMonth(month).setUsed(100).setLimit(100L).setState(state)
                .setUpdatedAt(NOW).build();
    }
}
