package dev.fleet.orchestrator.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.fleet.events.v1.TenantStatus;

/** A customer of the fleet, as the orchestrator stores it. */
public record Tenant(UUID id, String name, TenantPlan plan, TenantStatus status, Instant createdAt,
        Instant updatedAt) {

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
    }

    /** A new, active tenant. */
    public static Tenant create(String name, TenantPlan plan, Instant now) {
        return new Tenant(UUID.randomUUID(), name, plan, TenantStatus.ACTIVE, now, now);
    }
}
