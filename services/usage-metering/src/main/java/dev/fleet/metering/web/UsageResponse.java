package dev.fleet.metering.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.metering.domain.MeterName;
import dev.fleet.metering.domain.RollupWindow;
import dev.fleet.metering.domain.UsageReport;
import dev.fleet.metering.domain.UsageWindow;

/** The body of {@code GET /usage/{tenantId}}. */
record UsageResponse(
        @JsonProperty("tenant_id") String tenantId,
        @JsonProperty("granularity") String granularity,
        @JsonProperty("from") Instant from,
        @JsonProperty("to") Instant to,
        @JsonProperty("totals") Map<String, Long> totals,
        @JsonProperty("windows") List<Window> windows) {

    record Window(
            @JsonProperty("meter") String meter,
            @JsonProperty("model") String model,
            @JsonProperty("window_start") Instant windowStart,
            @JsonProperty("window_end") Instant windowEnd,
            @JsonProperty("quantity") long quantity) {

        static Window of(UsageWindow window) {
            return new Window(MeterName.of(window.meter()), window.model(), window.start(), window.end(),
                    window.quantity());
        }
    }

    static UsageResponse of(UsageReport report) {
        Map<String, Long> totals = new LinkedHashMap<>();
        report.totals().forEach((meter, total) -> totals.put(MeterName.of(meter), total));
        return new UsageResponse(report.tenantId(), RollupWindow.name(report.granularity()), report.from(),
                report.to(), totals, report.windows().stream().map(Window::of).toList());
    }
}
