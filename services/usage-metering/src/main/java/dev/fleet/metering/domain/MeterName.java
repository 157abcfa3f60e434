package dev.fleet.metering.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import dev.fleet.events.v1.Meter;

/**
 * The spelling of a {@link Meter} outside Avro: lower case ({@code prompt_tokens}), as in the HTTP
 * API and in the keys of {@code fleet.usage.rollups.v1}.
 */
public final class MeterName {

    private static final Meter[] METERS = Meter.values();
    private static final String[] NAMES = Arrays.stream(METERS)
            .map(meter -> meter.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    private MeterName() {
    }

    public static String of(Meter meter) {
        return NAMES[meter.ordinal()];
    }

    /** The meter spelled {@code name}, if there is one. */
    public static Optional<Meter> parse(String name) {
        for (Meter meter : METERS) {
            if (NAMES[meter.ordinal()].equals(name)) {
                return Optional.of(meter);
            }
        }
        return Optional.empty();
    }
}
