package dev.fleet.metering.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.fleet.metering.messaging.BillingSchedule;
import dev.fleet.metering.messaging.RollupRetention;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of usage-metering ({@code fleet.metering.*}).
 *
 * @param stateDir          where Kafka Streams keeps its local state ({@code FLEET_STATE_DIR}); blank means a
 *                          directory of this instance under {@code java.io.tmpdir}, rebuilt from the changelog
 *                          at every start
 * @param retention         how long per-minute windows stay open (queryable, updated in place) after they
 *                          ended; later usage for them is billed as a correction
 * @param hourRetention     the same for hourly windows
 * @param dayRetention      the same for daily windows (monthly windows never close)
 * @param queryRange        the range {@code GET /usage/{tenantId}} covers when the caller gives none
 * @param advertisedAddress {@code host:port} at which the other replicas reach this one's usage API
 *                          (Kafka Streams' {@code application.server}); blank: {@code 127.0.0.1:<server.port>}
 * @param ownerTimeout      how long a replica waits for the owner of a tenant's usage to answer
 * @param rollupInterval    how often the totals that changed are written to {@code fleet.usage.rollups.v1}
 * @param applicationId     the Kafka Streams application id: the consumer group of all replicas and the prefix
 *                          of the internal topics; change it only to run a second, independent metering
 * @param billing           invoice lines and shadow re-pricing ({@code fleet.metering.billing.*})
 * @param cacheMaxBytes     Kafka Streams' record cache ({@code statestore.cache.max.bytes}) of all stores:
 *                          sized to hold a busy task's rollup totals and pending rollups between commits,
 *                          so a hot window costs one store write per commit, not one per record (decision 0031)
 * @param commitInterval    Kafka Streams' {@code commit.interval.ms}: under exactly-once, how often the stores'
 *                          changes and the outputs are committed, so how soon a quota status change is visible
 *                          (read_committed); each commit flushes every changed total (decision 0031)
 */
@Validated
@ConfigurationProperties("fleet.metering")
public record FleetMeteringProperties(
        String stateDir,
        @DefaultValue("2d") @NotNull Duration retention,
        @DefaultValue("90d") @NotNull Duration hourRetention,
        @DefaultValue("800d") @NotNull Duration dayRetention,
        @DefaultValue("24h") @NotNull Duration queryRange,
        String advertisedAddress,
        @DefaultValue("5s") @NotNull Duration ownerTimeout,
        @DefaultValue("1s") @NotNull Duration rollupInterval,
        @DefaultValue(FleetMeteringProperties.APPLICATION_ID) @NotBlank String applicationId,
        @DefaultValue @NotNull @Valid Billing billing,
        @DefaultValue(FleetMeteringProperties.CACHE_MAX_BYTES) @NotNull DataSize cacheMaxBytes,
        @DefaultValue(FleetMeteringProperties.COMMIT_INTERVAL) @NotNull Duration commitInterval) {

    /** The default record cache size: about 200,000 rollup totals and pending rollups. */
    public static final String CACHE_MAX_BYTES = "64MB";

    /** The default commit interval: a quota status change is visible within half a second. */
    public static final String COMMIT_INTERVAL = "500ms";


    /** The default Kafka Streams application id. */
    public static final String APPLICATION_ID = "fleet-usage-metering";

    public FleetMeteringProperties {
        if (queryRange != null && (queryRange.isZero() || queryRange.isNegative())) {
            throw new IllegalArgumentException("fleet.metering.query-range must be positive");
        }
        if (ownerTimeout != null && (ownerTimeout.isZero() || ownerTimeout.isNegative())) {
            throw new IllegalArgumentException("fleet.metering.owner-timeout must be positive");
        }
        if (commitInterval != null && (commitInterval.toMillis() < 1 || commitInterval.toMillis() > 1000)) {
            throw new IllegalArgumentException("fleet.metering.commit-interval must be between 1ms and 1s "
                    + "(quota statuses must be visible within a second)");
        }
        if (rollupInterval != null && rollupInterval.toMillis() < 1) {
            throw new IllegalArgumentException("fleet.metering.rollup-interval must be at least 1ms");
        }
        if (retention != null && hourRetention != null && dayRetention != null) {
            rollupRetention(retention, hourRetention, dayRetention);
        }
    }

    /**
     * @param interval           the debounce: a tenant's changed month is re-priced at most this often
     * @param closeAfter         how long after a month's end (UTC) its lines stay DRAFT before they are FINAL
     * @param simulationMaxRange the longest range {@code POST /billing/simulations} replays
     * @param simulationTimeout  how long a simulation may read before it is abandoned (504)
     */
    public record Billing(
            @DefaultValue("5s") @NotNull Duration interval,
            @DefaultValue("1d") @NotNull Duration closeAfter,
            @DefaultValue("7d") @NotNull Duration simulationMaxRange,
            @DefaultValue("2m") @NotNull Duration simulationTimeout) {

        /** When invoice lines are written. */
        public BillingSchedule schedule() {
            return new BillingSchedule(interval, closeAfter);
        }
    }

    /** How long windows of each granularity stay open. */
    public RollupRetention rollupRetention() {
        return rollupRetention(retention, hourRetention, dayRetention);
    }

    private static RollupRetention rollupRetention(Duration minute, Duration hour, Duration day) {
        return new RollupRetention(minute, hour, day);
    }
}
