package dev.fleet.orchestrator.domain;

import java.time.Instant;
import java.util.UUID;

import reactor.core.publisher.Mono;

/** Where tenants and their keys are kept. Calls join the caller's transaction, if any. */
public interface TenantStore {

    Mono<Void> insertTenant(Tenant tenant);

    /** The tenant, or empty. */
    Mono<Tenant> findTenant(UUID id);

    /** Replaces the tenant's limits and returns it changed; empty when it is unknown. */
    Mono<Tenant> updateTenantLimits(UUID id, LimitOverrides limits, Instant now);

    Mono<Void> insertKey(TenantKey key);

    /** The key, or empty. */
    Mono<TenantKey> findKey(UUID id);

    /** Revokes the key if it is active and returns it revoked; empty when it is unknown or already revoked. */
    Mono<TenantKey> revokeActiveKey(UUID id, Instant now);
}
