package dev.fleet.orchestrator.domain.risk;

import java.time.Instant;
import java.util.UUID;

import dev.fleet.events.v1.RiskRuleSetVersion;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where tenants' rule-set versions and their active and shadow pointers are kept. */
public interface RuleSetStore {

    /**
     * Locks the tenant's rule sets until the transaction ends (two changes of one tenant never
     * interleave, two new versions never get one number); false when the tenant does not exist.
     */
    Mono<Boolean> lockTenant(UUID tenantId);

    /** True when the tenant exists (no lock). */
    Mono<Boolean> tenantExists(UUID tenantId);

    /** The tenant's highest stored version; 0 when it has none. */
    Mono<Integer> latestVersion(UUID tenantId);

    Mono<Void> insert(UUID tenantId, RiskRuleSetVersion version);

    /** The tenant's stored versions, in version order (never the default). */
    Flux<RiskRuleSetVersion> versions(UUID tenantId);

    Mono<RiskRuleSetVersion> find(UUID tenantId, int version);

    /** The tenant's pointers; {@link RuleSetPointers#DEFAULT} when it never chose. */
    Mono<RuleSetPointers> pointers(UUID tenantId);

    Mono<Void> savePointers(UUID tenantId, RuleSetPointers pointers, Instant now);
}
