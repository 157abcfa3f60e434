package dev.fleet.metering.domain;

import java.time.Instant;
import java.util.Objects;

import dev.fleet.events.v1.Meter;

/** A tenant's use of one meter and model over one UTC day (a day rollup). {@code model} null: none. */
public record DailyUsage(Instant day, Meter meter, String model, long quantity) {

    public DailyUsage {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(meter, "meter");
    }
}
