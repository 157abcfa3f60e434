package dev.fleet.metering.domain;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.fleet.events.v1.Granularity;

/**
 * A rollup window {@code [start, end)} of one {@link Granularity}, aligned to UTC: the minute, hour,
 * day or calendar month an instant falls in. Granularities are spelled lower case outside Avro.
 */
public record RollupWindow(Granularity granularity, Instant start, Instant end) {

    public RollupWindow {
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    /** The window of {@code granularity} that {@code instant} falls in. */
    public static RollupWindow containing(Granularity granularity, Instant instant) {
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

    /** The UTC calendar month of {@code instant}, as quotas count it. */
    public static YearMonth month(Instant instant) {
        return YearMonth.from(instant.atZone(ZoneOffset.UTC));
    }

    public static String name(Granularity granularity) {
        return granularity.name().toLowerCase(Locale.ROOT);
    }

    /** The granularity spelled {@code name} ({@code minute}, {@code hour}, {@code day}, {@code month}). */
    public static Optional<Granularity> parse(String name) {
        for (Granularity granularity : Granularity.values()) {
            if (name(granularity).equals(name)) {
                return Optional.of(granularity);
            }
        }
        return Optional.empty();
    }
}
