package dev.fleet.orchestrator.domain;

import java.time.Instant;
import java.util.UUID;

import dev.fleet.events.v1.TenantStatus;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where tenants and their keys are kept. Calls join the caller's transaction, if any. */
public interface TenantStore {

    Mono<Void> insertTenant(Tenant tenant);

    /** The tenant, or empty. */
    Mono<Tenant> findTenant(UUID id);

    /** The tenant, locked until the transaction ends (so a change reads the state it replaces); or empty. */
    Mono<Tenant> findTenantForUpdate(UUID id);

    /**
     * Up to {@code limit} tenants, newest first (ties by id, descending), after {@code after} (null: from
     * the newest); only those whose lower-cased name contains {@code nameContains} or whose id is
     * {@code id} when either is given (blank / null: all).
     */
    Flux<Tenant> findTenants(String nameContains, UUID id, TenantCursor after, int limit);

    /** Sets the tenant's plan and returns it changed; empty when it is unknown. */
    Mono<Tenant> updateTenantPlan(UUID id, TenantPlan plan, Instant now);

    /** Sets the tenant's status and returns it changed; empty when it is unknown. */
    Mono<Tenant> updateTenantStatus(UUID id, TenantStatus status, Instant now);

    /** Replaces the tenant's limits and returns it changed; empty when it is unknown. */
    Mono<Tenant> updateTenantLimits(UUID id, LimitOverrides limits, Instant now);

    Mono<Void> insertKey(TenantKey key);

    /** The key, or empty. */
    Mono<TenantKey> findKey(UUID id);

    /** The tenant's keys, newest first, without their hashes. */
    Flux<KeySummary> findKeySummaries(UUID tenantId);

    /** Revokes the key if it is active and returns it revoked; empty when it is unknown or already revoked. */
    Mono<TenantKey> revokeActiveKey(UUID id, Instant now);
}
