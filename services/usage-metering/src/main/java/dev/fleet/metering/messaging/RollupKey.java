package dev.fleet.metering.messaging;

import java.time.Instant;
import java.util.Objects;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.metering.domain.MeterName;
import dev.fleet.metering.domain.RollupWindow;

/**
 * What usage is summed by: tenant, granularity, window start, meter and model. Spelled
 * {@code tenantId/granularity/windowStart/meter/model} (granularity and meter lower case, window
 * start ISO-8601, {@value #NO_MODEL} for no model), it is both the key of {@link UsageTopology#STORE}
 * and of {@code fleet.usage.rollups.v1}; the store's keys of one tenant and granularity sort by
 * window start, so a time range is one range scan.
 *
 * <p>Limit: the tenant id must not contain {@code /} (tenant ids are UUIDs).
 */
public record RollupKey(String tenantId, Granularity granularity, Instant windowStart, Meter meter, String model) {

    /** How a missing model is spelled in a key. */
    public static final String NO_MODEL = "-";

    private static final char SEPARATOR = '/';

    public RollupKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(meter, "meter");
    }

    /** The key of {@code usage}'s {@code window} (the window of its granularity that holds the usage). */
    public static RollupKey of(UsageRecorded usage, RollupWindow window) {
        return new RollupKey(usage.getTenantId(), window.granularity(), window.start(), usage.getMeter(),
                usage.getModel());
    }

    /** The key of the window of {@code coarser} granularity that holds this key's window, same tenant, meter and model. */
    RollupKey within(Granularity coarser) {
        return coarser == granularity ? this
                : new RollupKey(tenantId, coarser, RollupWindow.containing(coarser, windowStart).start(), meter, model);
    }

    /** Reads a key written by {@link #toString()}. */
    public static RollupKey parse(String key) {
        String[] parts = key.split(String.valueOf(SEPARATOR), 5);
        if (parts.length != 5) {
            throw new IllegalArgumentException("not a tenant/granularity/windowStart/meter/model key: " + key);
        }
        Granularity granularity = RollupWindow.parse(parts[1])
                .orElseThrow(() -> new IllegalArgumentException("unknown granularity in " + key));
        Meter meter = MeterName.parse(parts[3])
                .orElseThrow(() -> new IllegalArgumentException("unknown meter in " + key));
        return new RollupKey(parts[0], granularity, Instant.parse(parts[2]), meter,
                NO_MODEL.equals(parts[4]) ? null : parts[4]);
    }

    /** The first possible key of {@code tenantId}'s windows of {@code granularity} starting at {@code from}. */
    static String rangeStart(String tenantId, Granularity granularity, Instant from) {
        return prefix(tenantId, granularity) + from;
    }

    /** A key after every key of {@code tenantId}'s windows of {@code granularity} starting at {@code to}. */
    static String rangeEnd(String tenantId, Granularity granularity, Instant to) {
        return prefix(tenantId, granularity) + to + (char) (SEPARATOR + 1);
    }

    /** The key of a correction: never replaced, one per late usage record. */
    public String correction(String eventId) {
        return this + "/late/" + eventId;
    }

    public RollupWindow window() {
        return RollupWindow.containing(granularity, windowStart);
    }

    @Override
    public String toString() {
        return spelled(windowStart.toString());
    }

    /** {@link #toString()} with the window start already spelled ({@link Instant#toString()}, the costly part). */
    String spelled(String windowStartText) {
        return prefix(tenantId, granularity) + windowStartText + SEPARATOR + MeterName.of(meter) + SEPARATOR
                + (model == null ? NO_MODEL : model);
    }

    private static String prefix(String tenantId, Granularity granularity) {
        return tenantId + SEPARATOR + RollupWindow.name(granularity) + SEPARATOR;
    }
}
