package dev.fleet.orchestrator.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.fleet.events.v1.TenantStatus;

/**
 * A customer of the fleet, as the orchestrator stores it: its plan, and the limits set for it
 * instead of the plan's ({@code limits}). The effective limits are {@link #requestsPerMinute},
 * {@link #tokensPerMinute}, {@link #monthlyTokens} and the item limits {@link #maxItems},
 * {@link #maxStoredBytes} and {@link #maxItemBytes}, each {@code 0} for "no limit".
 */
public record Tenant(UUID id, String name, TenantPlan plan, TenantStatus status, LimitOverrides limits,
        Instant createdAt, Instant updatedAt) {

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        limits = limits == null ? LimitOverrides.NONE : limits;
    }

    /** A new, active tenant. */
    public static Tenant create(String name, TenantPlan plan, LimitOverrides limits, Instant now) {
        return new Tenant(UUID.randomUUID(), name, plan, TenantStatus.ACTIVE, limits, now, now);
    }

    /** The same tenant with other limits, changed at {@code now}. */
    public Tenant withLimits(LimitOverrides newLimits, Instant now) {
        return new Tenant(id, name, plan, status, newLimits, createdAt, now);
    }

    /** The same tenant on another plan, changed at {@code now}; its own limits stay. */
    public Tenant withPlan(TenantPlan newPlan, Instant now) {
        return new Tenant(id, name, newPlan, status, limits, createdAt, now);
    }

    /** The same tenant with another status, changed at {@code now}. */
    public Tenant withStatus(TenantStatus newStatus, Instant now) {
        return new Tenant(id, name, plan, newStatus, limits, createdAt, now);
    }

    public int requestsPerMinute() {
        return limits.requestsPerMinute() != null ? limits.requestsPerMinute() : plan.requestsPerMinute();
    }

    public long tokensPerMinute() {
        return limits.tokensPerMinute() != null ? limits.tokensPerMinute() : plan.tokensPerMinute();
    }

    public long monthlyTokens() {
        return limits.monthlyTokens() != null ? limits.monthlyTokens() : plan.monthlyTokens();
    }

    public long maxItems() {
        return limits.maxItems() != null ? limits.maxItems() : plan.maxItems();
    }

    public long maxStoredBytes() {
        return limits.maxStoredBytes() != null ? limits.maxStoredBytes() : plan.maxStoredBytes();
    }

    public long maxItemBytes() {
        return limits.maxItemBytes() != null ? limits.maxItemBytes() : plan.maxItemBytes();
    }
}
