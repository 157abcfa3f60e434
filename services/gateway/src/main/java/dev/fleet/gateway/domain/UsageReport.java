package dev.fleet.gateway.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.fleet.events.v1.Meter;

/**
 * A tenant's usage between {@code from} (inclusive) and {@code to} (exclusive): totals per meter
 * (every meter, zero when unused) and the non-empty buckets, oldest first.
 *
 * @param availableFrom usage before this instant is no longer kept, so it is not counted
 */
public record UsageReport(Instant from, Instant to, Duration bucketWidth, Instant availableFrom,
        Map<Meter, Long> totals, List<Bucket> buckets) {

    /** The usage of windows that started in {@code [start, end)}. */
    public record Bucket(Instant start, Instant end, Map<Meter, Long> usage) {
    }
}
