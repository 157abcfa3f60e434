package dev.fleet.orchestrator.web;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.orchestrator.domain.Tenant;

/** A tenant as the admin API shows it. */
public record TenantResponse(
        String id,
        String name,
        String plan,
        String status,
        @JsonProperty("requests_per_minute") int requestsPerMinute,
        @JsonProperty("tokens_per_day") long tokensPerDay,
        LimitsBody limits,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt) {

    /** {@code limits} are the effective ones (the plan's unless overridden), 0 for none. */
    static TenantResponse of(Tenant tenant) {
        return new TenantResponse(tenant.id().toString(), tenant.name(), tenant.plan().apiName(),
                tenant.status().name().toLowerCase(java.util.Locale.ROOT), tenant.requestsPerMinute(),
                tenant.plan().tokensPerDay(), new LimitsBody(tenant.requestsPerMinute(), tenant.tokensPerMinute(),
                        tenant.monthlyTokens(), tenant.maxItems(), tenant.maxStoredBytes(), tenant.maxItemBytes()),
                tenant.createdAt(), tenant.updatedAt());
    }
}
