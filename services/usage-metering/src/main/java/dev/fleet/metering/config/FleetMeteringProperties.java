package dev.fleet.metering.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.fleet.metering.messaging.UsageTopology;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of usage-metering ({@code fleet.metering.*}).
 *
 * @param stateDir   where Kafka Streams keeps its local state ({@code FLEET_STATE_DIR}); blank means a
 *                   directory of this instance under {@code java.io.tmpdir}, rebuilt from the changelog
 *                   at every start
 * @param grace      how late usage may arrive after its minute ended and still count
 * @param retention  how long per-minute windows stay queryable; at least one window plus the grace
 * @param queryRange the range {@code GET /usage/{tenantId}} covers when the caller gives none
 */
@Validated
@ConfigurationProperties("fleet.metering")
public record FleetMeteringProperties(
        String stateDir,
        @DefaultValue("1m") @NotNull Duration grace,
        @DefaultValue("2d") @NotNull Duration retention,
        @DefaultValue("24h") @NotNull Duration queryRange) {

    public FleetMeteringProperties {
        if (grace != null && grace.isNegative()) {
            throw new IllegalArgumentException("fleet.metering.grace must not be negative");
        }
        if (grace != null && retention != null && retention.compareTo(UsageTopology.WINDOW.plus(grace)) < 0) {
            throw new IllegalArgumentException("fleet.metering.retention (" + retention
                    + ") must cover a window plus the grace (" + UsageTopology.WINDOW.plus(grace) + ")");
        }
        if (queryRange != null && (queryRange.isZero() || queryRange.isNegative())) {
            throw new IllegalArgumentException("fleet.metering.query-range must be positive");
        }
    }
}
