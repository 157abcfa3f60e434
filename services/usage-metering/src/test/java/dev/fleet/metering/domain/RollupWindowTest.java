package dev.fleet.metering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Granularity;

class RollupWindowTest {

    @Test
    void alignsEveryGranularityToTheUtcCalendarIncludingLeapDaysAndSubMillisecondInstants() {
        // given instants over 2020..2030 (leap years, month ends), with nanoseconds, and a few edges
        Random random = new Random(7);
        Instant from = Instant.parse("2020-01-01T00:00:00Z");
        long span = Instant.parse("2030-12-31T23:59:59Z").getEpochSecond() - from.getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = i < 3
                    ? new Instant[] {Instant.parse("2024-02-29T23:59:59.999999999Z"),
                            Instant.parse("2024-03-01T00:00:00Z"), Instant.parse("2025-12-31T23:59:59.5Z")}[i]
                    : from.plusSeconds((long) (random.nextDouble() * span)).plusNanos(random.nextInt(1_000_000_000));
            for (Granularity granularity : Granularity.values()) {
                // when
                RollupWindow window = RollupWindow.containing(granularity, instant);

                // then it is the calendar's window
                assertThat(window).as("%s of %s", granularity, instant).isEqualTo(calendar(granularity, instant));
            }
        }
    }

    @Test
    void spellsGranularitiesInLowerCaseBothWays() {
        for (Granularity granularity : Granularity.values()) {
            assertThat(RollupWindow.parse(RollupWindow.name(granularity))).contains(granularity);
        }
        assertThat(RollupWindow.name(Granularity.HOUR)).isEqualTo("hour");
        assertThat(RollupWindow.parse("HOUR")).isEmpty();
    }

    /** The window as a calendar computes it: the definition the fast path must keep. */
    private static RollupWindow calendar(Granularity granularity, Instant instant) {
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        ZonedDateTime start = switch (granularity) {
            case MINUTE -> utc.truncatedTo(ChronoUnit.MINUTES);
            case HOUR -> utc.truncatedTo(ChronoUnit.HOURS);
            case DAY -> utc.truncatedTo(ChronoUnit.DAYS);
            case MONTH -> utc.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
        ZonedDateTime end = switch (granularity) {
            case MINUTE -> start.plusMinutes(1);
            case HOUR -> start.plusHours(1);
            case DAY -> start.plusDays(1);
            case MONTH -> start.plusMonths(1);
        };
        return new RollupWindow(granularity, start.toInstant(), end.toInstant());
    }
}
