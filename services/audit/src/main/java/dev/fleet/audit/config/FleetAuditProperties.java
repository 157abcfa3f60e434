package dev.fleet.audit.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of the audit service ({@code fleet.audit.*}).
 *
 * @param writeTimeout    how long the listener waits for a batch's rows before the attempt fails (and is retried);
 *                        also the bound on reading the log for an audit query and on its answer's acknowledgement
 * @param batchSize       events per poll ({@code max.poll.records}), written in one transaction
 * @param defaultPageSize events per page of {@code GET /audit/events} and of an audit query when the caller gives
 *                        no {@code limit}
 * @param maxPageSize     the largest {@code limit} a caller may ask for
 */
@Validated
@ConfigurationProperties("fleet.audit")
public record FleetAuditProperties(
        @DefaultValue("10s") @NotNull Duration writeTimeout,
        @DefaultValue("5000") @Min(1) @Max(10_000) int batchSize,
        @DefaultValue("100") @Min(1) @Max(10_000) int defaultPageSize,
        @DefaultValue("1000") @Min(1) @Max(10_000) int maxPageSize) {

    public FleetAuditProperties {
        if (writeTimeout != null && (writeTimeout.isZero() || writeTimeout.isNegative())) {
            throw new IllegalArgumentException("fleet.audit.write-timeout must be positive");
        }
        if (defaultPageSize > maxPageSize) {
            throw new IllegalArgumentException("fleet.audit.default-page-size must not exceed max-page-size");
        }
    }
}
