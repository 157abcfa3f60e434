package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

class RefusalCounterTest {

    private Instant now = Instant.parse("2026-03-01T10:00:05Z");
    private final RefusalCounter counter = new RefusalCounter(new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void shouldAggregateAFloodIntoOneTallyPerTenantAndMinute() {
        // given 10,000 refusals of unknown keys and a few of one tenant's revoked key
        for (int i = 0; i < 10_000; i++) {
            counter.record(null, null, "invalid_api_key");
        }
        counter.record("t1", "k1", "revoked_api_key");
        counter.record("t1", "k1", "revoked_api_key");
        counter.record("t1", "k2", "rate_limit_requests");

        // when the minute has ended
        assertThat(counter.drain(false)).isEmpty();
        now = now.plus(Duration.ofMinutes(1));
        List<RefusalCounter.Tally> tallies = counter.drain(false);

        // then one tally per tenant for that minute
        assertThat(tallies).hasSize(2);
        assertThat(tallies).filteredOn(t -> t.tenantId().equals(RefusalCounter.UNAUTHENTICATED)).singleElement()
                .satisfies(t -> {
                    assertThat(t.counts()).containsExactly(java.util.Map.entry("invalid_api_key", 10_000L));
                    assertThat(t.keyIds()).isEmpty();
                    assertThat(t.minuteStart()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
                });
        assertThat(tallies).filteredOn(t -> t.tenantId().equals("t1")).singleElement().satisfies(t -> {
            assertThat(t.counts()).containsEntry("revoked_api_key", 2L).containsEntry("rate_limit_requests", 1L);
            assertThat(t.keyIds()).containsExactly("k1", "k2");
        });
        assertThat(counter.drain(true)).isEmpty();
    }

    @Test
    void shouldNameAtMostTwentyKeysAndKeepMinutesApart() {
        // given
        for (int i = 0; i < 30; i++) {
            counter.record("t1", "k" + i, "revoked_api_key");
        }
        now = now.plus(Duration.ofMinutes(1));
        counter.record("t1", "k-next", "revoked_api_key");

        // when
        List<RefusalCounter.Tally> all = counter.drain(true);

        // then
        assertThat(all).hasSize(2);
        assertThat(all).extracting(t -> t.keyIds().size()).containsExactlyInAnyOrder(RefusalCounter.MAX_KEY_IDS, 1);
        assertThat(all).extracting(RefusalCounter.Tally::eventId).doesNotHaveDuplicates();
    }
}
