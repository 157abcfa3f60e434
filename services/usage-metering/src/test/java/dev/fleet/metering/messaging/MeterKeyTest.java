package dev.fleet.metering.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Meter;

class MeterKeyTest {

    @Test
    void readsBackItsStoreKeyEvenWhenTheTenantIdHasASeparator() {
        // given
        MeterKey key = new MeterKey("org/team-a", Meter.COMPLETION_TOKENS);

        // when
        MeterKey read = MeterKey.parse(key.storeKey());

        // then
        assertThat(key.storeKey()).isEqualTo("org/team-a/completion_tokens");
        assertThat(read).isEqualTo(key);
    }

    @Test
    void keysARollupByTenantMeterAndIsoWindowStart() {
        assertThat(new MeterKey("t1", Meter.SEARCH_QUERIES).rollupKey(Instant.parse("2025-03-01T10:01:00Z")))
                .isEqualTo("t1/search_queries/2025-03-01T10:01:00Z");
    }

    @Test
    void rejectsAKeyWithoutAKnownMeter() {
        assertThatIllegalArgumentException().isThrownBy(() -> MeterKey.parse("t1/bananas"));
        assertThatIllegalArgumentException().isThrownBy(() -> MeterKey.parse("t1"));
    }
}
