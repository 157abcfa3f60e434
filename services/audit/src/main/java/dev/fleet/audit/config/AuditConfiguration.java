package dev.fleet.audit.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.audit.persistence.R2dbcAuditLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;

/** Binds and validates {@link FleetAuditProperties} at start-up; the audit writer's meters. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FleetAuditProperties.class)
public class AuditConfiguration {

    /**
     * How the writer's batches found their chain heads: remembered (one COPY, no lock) or locked, and
     * how often a remembered head had been moved by another writer (a rebalance or a second replica
     * appending the same tenants; steadily rising, it means two writers share tenants).
     */
    @Bean
    MeterBinder auditWriterMeters(R2dbcAuditLog log) {
        return registry -> {
            FunctionCounter.builder("fleet.audit.appends", log, R2dbcAuditLog::appendsOnRememberedHeads)
                    .tag("heads", "remembered").description("audit batch attempts by where their chain heads came from")
                    .register(registry);
            FunctionCounter.builder("fleet.audit.appends", log, R2dbcAuditLog::appendsOnLockedHeads)
                    .tag("heads", "locked").description("audit batch attempts by where their chain heads came from")
                    .register(registry);
            FunctionCounter.builder("fleet.audit.heads.stale", log, R2dbcAuditLog::staleHeads)
                    .description("audit batch attempts refused because another writer had moved their chain heads")
                    .register(registry);
        };
    }
}
