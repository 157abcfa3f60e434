package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Min;

/**
 * The per-tenant backlog metric of a service's consumer groups ({@code fleet.backlog.*},
 * {@link TenantBacklogMetrics}).
 *
 * @param enabled     measure at all ({@code FLEET_BACKLOG_ENABLED})
 * @param interval    how often the backlogs are read ({@code FLEET_BACKLOG_INTERVAL}); the gauges show the last read
 * @param sample      the most records read of one group per interval; a longer backlog is extrapolated
 *                    ({@code FLEET_BACKLOG_SAMPLE})
 * @param timeout     the longest wait for each admin request and for reading one group's sample
 * @param groups      groups measured besides the service's own (its listener containers' groups and its
 *                    Kafka Streams application id)
 * @param forgetAfter how long a tenant with no backlog left keeps a series at 0 before it is dropped
 */
@Validated
@ConfigurationProperties("fleet.backlog")
public record FleetBacklogProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("10000") @Min(1) int sample,
        @DefaultValue("5s") Duration timeout,
        List<String> groups,
        @DefaultValue("10m") Duration forgetAfter) {

    public FleetBacklogProperties {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
