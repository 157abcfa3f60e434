package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.ItemUpserted;

/** Item limits against metering's count plus this replica's reservations ({@link ItemStorageLimits}). */
class ItemStorageLimitsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final ItemUpserted ITEM = new ItemUpserted("0123456789", Map.of()); // 10 bytes

    private Instant now = T0;
    private final ItemStorageLimits limits = new ItemStorageLimits(new Clock() {
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
    void boundsBackToBackUpsertsOfThisReplicaBeforeMeteringCountedThem() {
        // given a tenant allowed 3 items, storing none
        limits.applyTenant("t1", CollectionItemsTest.tenant("t1", 3L, null, null));

        // when it upserts 2, then 2 more before metering counted the first
        limits.admit("t1", items(2));

        // then the second is refused, while one more still fits, and then none
        assertThatThrownBy(() -> limits.admit("t1", items(2))).isInstanceOf(ItemQuotaExceededException.class)
                .hasMessageContaining("(2 stored");
        limits.admit("t1", items(1));
        assertThatThrownBy(() -> limits.admit("t1", items(1))).isInstanceOf(ItemQuotaExceededException.class);
    }

    @Test
    void takesMeteringsCountInsteadOfWhatItReservedOnceTheCountIsAsRecent() {
        // given 2 items admitted at T0 under a limit of 3
        limits.applyTenant("t1", CollectionItemsTest.tenant("t1", 3L, null, null));
        limits.admit("t1", items(2));

        // when metering counts them (its total is dated by their records, at or after the admission)
        now = T0.plusMillis(700);
        limits.applyStorage("t1", new ItemStorage("t1", 2L, 20L, T0.plusMillis(5)));

        // then they count once: one more fits, a second does not
        limits.admit("t1", items(1));
        assertThatThrownBy(() -> limits.admit("t1", items(1))).isInstanceOf(ItemQuotaExceededException.class);
    }

    @Test
    void countsARecordSentInTheMillisecondOfItsAdmissionAsIncludingIt() {
        // given 2 items admitted half a millisecond into T0, under a limit of 3
        limits.applyTenant("t1", CollectionItemsTest.tenant("t1", 3L, null, null));
        now = T0.plusNanos(500_000);
        limits.admit("t1", items(2));

        // when metering's total is dated by their record, stamped in whole milliseconds
        limits.applyStorage("t1", new ItemStorage("t1", 2L, 20L, T0));

        // then they count once
        assertThatCode(() -> limits.admit("t1", items(1))).doesNotThrowAnyException();
    }

    @Test
    void keepsAReservationThatAnOlderCountDoesNotInclude() {
        // given 2 items admitted at T0 under a limit of 3
        limits.applyTenant("t1", CollectionItemsTest.tenant("t1", 3L, null, null));
        limits.admit("t1", items(2));

        // when a count from before the admission arrives
        limits.applyStorage("t1", new ItemStorage("t1", 1L, 10L, T0.minusSeconds(1)));

        // then the reservation still counts: 1 stored + 2 reserved
        assertThatThrownBy(() -> limits.admit("t1", items(1))).isInstanceOf(ItemQuotaExceededException.class)
                .hasMessageContaining("(3 stored");
    }

    @Test
    void givesBackAReservationWhoseItemsWereNotPublishedOrThatMeteringNeverConfirmed() {
        // given a limit of 3, fully reserved
        limits.applyTenant("t1", CollectionItemsTest.tenant("t1", 3L, null, null));
        ItemStorageLimits.Reservation failed = limits.admit("t1", items(3));

        // when its publication failed, the items may be sent again
        limits.release(failed);
        limits.admit("t1", items(3));
        assertThatThrownBy(() -> limits.admit("t1", items(1))).isInstanceOf(ItemQuotaExceededException.class);

        // and when metering never counts them, the reservation lapses after its time to live
        now = T0.plus(ItemStorageLimits.RESERVATION_TTL).plus(Duration.ofMillis(1));
        assertThatCode(() -> limits.admit("t1", items(3))).doesNotThrowAnyException();
    }

    @Test
    void refusesOverTheByteLimitAndAnItemOverThePerItemCapFirst() {
        // given 25 bytes in all, 10 per item, 10 stored
        limits.applyTenant("t1", CollectionItemsTest.tenant("t1", null, 25L, 10L));
        limits.applyStorage("t1", new ItemStorage("t1", 1L, 10L, T0));

        // then
        assertThatThrownBy(() -> limits.admit("t1", List.of(ITEM, new ItemUpserted("0123456789", Map.of("k", "")))))
                .isInstanceOfSatisfying(ItemTooLargeException.class, e -> assertThat(e.index()).isEqualTo(1));
        assertThatThrownBy(() -> limits.admit("t1", items(2))).isInstanceOf(ItemQuotaExceededException.class)
                .hasMessageContaining("limit of 25 bytes");
        limits.admit("t1", items(1));
    }

    @Test
    void limitsNothingForATenantWithoutLimitsOrNotYetKnown() {
        limits.applyTenant("t1", CollectionItemsTest.tenant("t1", null, null, null));

        assertThatCode(() -> limits.admit("t1", items(500))).doesNotThrowAnyException();
        assertThatCode(() -> limits.admit("unknown", items(500))).doesNotThrowAnyException();
    }

    private static List<ItemUpserted> items(int n) {
        return Collections.nCopies(n, ITEM);
    }
}
