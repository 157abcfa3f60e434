package dev.fleet.orchestrator.domain;

import reactor.core.publisher.Mono;

/**
 * Records what the control plane changed so that the rest of the fleet learns about it: the
 * current state for the compacted topics and a domain event for governance. Implemented with a
 * transactional outbox, so each call must run in the transaction that made the change.
 */
public interface ControlPlaneEvents {

    Mono<Void> tenantCreated(Tenant tenant, String actor);

    Mono<Void> tenantLimitsChanged(Tenant tenant, String actor);

    Mono<Void> keyIssued(TenantKey key, String actor);

    Mono<Void> keyRevoked(TenantKey key, String actor);
}
