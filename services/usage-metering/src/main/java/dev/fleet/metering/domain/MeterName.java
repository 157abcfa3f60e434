package dev.fleet.metering.domain;

import java.util.Locale;
import java.util.Optional;

import dev.fleet.events.v1.Meter;

/**
 * The spelling of a {@link Meter} outside Avro: lower case ({@code prompt_tokens}), as in the HTTP
 * API and in the keys of {@code fleet.usage.rollups.v1}.
 */
public final class MeterName {

    private MeterName() {
    }

    public static String of(Meter meter) {
        return meter.name().toLowerCase(Locale.ROOT);
    }

    /** The meter spelled {@code name}, if there is one. */
    public static Optional<Meter> parse(String name) {
        for (Meter meter : Meter.values()) {
            if (of(meter).equals(name)) {
                return Optional.of(meter);
            }
        }
        return Optional.empty();
    }
}
