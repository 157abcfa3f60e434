package dev.fleet.metering.messaging;

import java.time.Instant;
import java.util.Objects;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.metering.domain.MeterName;

/**
 * What usage is grouped by: a tenant and a meter. As a store key it is {@code tenantId/meter};
 * a rollup on {@code fleet.usage.rollups.v1} is keyed {@code tenantId/meter/windowStart} (ISO-8601),
 * so the compacted topic keeps the latest total of each window.
 */
public record MeterKey(String tenantId, Meter meter) {

    private static final char SEPARATOR = '/';

    public MeterKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(meter, "meter");
    }

    public static MeterKey of(UsageRecorded usage) {
        return new MeterKey(usage.getTenantId(), usage.getMeter());
    }

    /**
     * Reads a store key. The meter is after the last separator, so a tenant id containing one
     * still reads back whole.
     */
    public static MeterKey parse(String storeKey) {
        int at = storeKey.lastIndexOf(SEPARATOR);
        if (at < 0) {
            throw new IllegalArgumentException("not a tenant/meter key: " + storeKey);
        }
        String meter = storeKey.substring(at + 1);
        return new MeterKey(storeKey.substring(0, at), MeterName.parse(meter)
                .orElseThrow(() -> new IllegalArgumentException("unknown meter '" + meter + "' in " + storeKey)));
    }

    public String storeKey() {
        return tenantId + SEPARATOR + MeterName.of(meter);
    }

    public String rollupKey(Instant windowStart) {
        return storeKey() + SEPARATOR + windowStart;
    }
}
