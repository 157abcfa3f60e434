package dev.fleet.metering.domain;

import java.time.Instant;
import java.util.List;

import dev.fleet.events.v1.Granularity;

/** Where usage windows are looked up. */
public interface UsageHistory {

    /**
     * The windows of {@code granularity} of {@code tenantId} that started in {@code [from, to]}, in
     * no particular order.
     *
     * @throws UsageNotQueryableException while the usage state cannot be read (starting, rebalancing)
     */
    List<UsageWindow> windows(String tenantId, Granularity granularity, Instant from, Instant to);
}
