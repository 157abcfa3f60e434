package dev.fleet.metering.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.fleet.events.v1.Granularity;

/**
 * A rollup window {@code [start, end)} of one {@link Granularity}, aligned to UTC: the minute, hour,
 * day or calendar month an instant falls in. Granularities are spelled lower case outside Avro.
 */
public record RollupWindow(Granularity granularity, Instant start, Instant end) {

    private static final Granularity[] GRANULARITIES = Granularity.values();
    private static final String[] NAMES = Arrays.stream(GRANULARITIES)
            .map(granularity -> granularity.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    public RollupWindow {
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    /** The window of {@code granularity} that {@code instant} falls in. */
    public static RollupWindow containing(Granularity granularity, Instant instant) {
        // minutes, hours and days are fixed lengths of UTC time: truncated without a calendar (every
        // usage record asks for four windows); only the month needs one
        return switch (granularity) {
            case MINUTE -> fixed(granularity, instant.truncatedTo(ChronoUnit.MINUTES), Duration.ofMinutes(1));
            case HOUR -> fixed(granularity, instant.truncatedTo(ChronoUnit.HOURS), Duration.ofHours(1));
            case DAY -> fixed(granularity, instant.truncatedTo(ChronoUnit.DAYS), Duration.ofDays(1));
            case MONTH -> {
                ZonedDateTime start = instant.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
                yield new RollupWindow(granularity, start.toInstant(), start.plusMonths(1).toInstant());
            }
        };
    }

    private static RollupWindow fixed(Granularity granularity, Instant start, Duration length) {
        return new RollupWindow(granularity, start, start.plus(length));
    }

    /** The UTC calendar month of {@code instant}, as quotas count it. */
    public static YearMonth month(Instant instant) {
        return YearMonth.from(instant.atZone(ZoneOffset.UTC));
    }

    public static String name(Granularity granularity) {
        return NAMES[granularity.ordinal()];
    }

    /** The granularity spelled {@code name} ({@code minute}, {@code hour}, {@code day}, {@code month}). */
    public static Optional<Granularity> parse(String name) {
        for (Granularity granularity : GRANULARITIES) {
            if (NAMES[granularity.ordinal()].equals(name)) {
                return Optional.of(granularity);
            }
        }
        return Optional.empty();
    }
}
