package dev.fleet.metering.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.fleet.events.v1.Granularity;
import dev.fleet.metering.domain.RollupWindow;

/**
 * How long a window stays open in usage-metering's state after it ended, per granularity, measured
 * in stream time (the latest usage time seen); monthly windows never close. Usage for a closed
 * window is still billed, as a correction rollup.
 */
public record RollupRetention(Duration minute, Duration hour, Duration day) {

    /** Two days of minutes, 90 days of hours, 800 days of days. */
    public static final RollupRetention DEFAULT = new RollupRetention(Duration.ofDays(2), Duration.ofDays(90),
            Duration.ofDays(800));

    public RollupRetention {
        Objects.requireNonNull(minute, "minute");
        Objects.requireNonNull(hour, "hour");
        Objects.requireNonNull(day, "day");
        if (minute.isNegative() || hour.isNegative() || day.isNegative()) {
            throw new IllegalArgumentException("rollup retention must not be negative");
        }
    }

    /** Whether {@code window} has closed once the stream has reached {@code streamTime}. */
    boolean closed(RollupWindow window, Instant streamTime) {
        Duration retention = switch (window.granularity()) {
            case MINUTE -> minute;
            case HOUR -> hour;
            case DAY -> day;
            case MONTH -> null;
        };
        return retention != null && !window.end().plus(retention).isAfter(streamTime);
    }

    /** Whether any window of {@code granularity} can close. */
    static boolean closes(Granularity granularity) {
        return granularity != Granularity.MONTH;
    }
}
