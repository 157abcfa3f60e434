package dev.fleet.orchestrator.domain.recommendations;

import java.time.Instant;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where collections' recommendation-rule versions and their active pointers are kept. */
public interface RecommendationRulesStore {

    /**
     * Locks the tenant until the transaction ends (two changes of one tenant never interleave, two new versions
     * never get one number); false when the tenant does not exist.
     */
    Mono<Boolean> lockTenant(UUID tenantId);

    /** True when the tenant exists (no lock). */
    Mono<Boolean> tenantExists(UUID tenantId);

    /** The collection's highest stored version; 0 when it has none. */
    Mono<Integer> latestVersion(UUID tenantId, String collection);

    Mono<Void> insert(UUID tenantId, String collection, RecommendationRulesVersion version);

    /** The collection's stored versions, in version order. */
    Flux<RecommendationRulesVersion> versions(UUID tenantId, String collection);

    Mono<RecommendationRulesVersion> find(UUID tenantId, String collection, int version);

    /** The collection's active version; 0 when it never had one. */
    Mono<Integer> active(UUID tenantId, String collection);

    Mono<Void> saveActive(UUID tenantId, String collection, int version, Instant now);
}
