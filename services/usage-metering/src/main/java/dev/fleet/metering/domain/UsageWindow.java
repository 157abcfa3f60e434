package dev.fleet.metering.domain;

import java.time.Instant;
import java.util.Objects;

import dev.fleet.events.v1.Meter;

/** A tenant's total on one meter and model (null: none) over one window {@code [start, end)}. */
public record UsageWindow(Meter meter, String model, Instant start, Instant end, long quantity) {

    public UsageWindow {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }
}
