package dev.fleet.orchestrator.domain;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.springframework.transaction.annotation.Transactional;

import dev.fleet.events.v1.TenantStatus;

import reactor.core.publisher.Mono;

/**
 * The control plane's use cases: create, list and search tenants, change their plan and limits,
 * suspend and resume them, issue, list and revoke their API keys. Each change and
 * the events announcing it are written in one database transaction, so there is never a change
 * without its event. Read-your-writes: before the transaction commits, the change's state records
 * are published and acknowledged ({@link ControlPlaneEvents#deliver()}), so when a use case
 * returns, every gateway replica can see the change; when Kafka does not acknowledge in time the
 * whole change rolls back ({@link ChangeNotDeliveredException}) and no key exists whose secret
 * nobody received. Domain events follow through the outbox relay after the commit.
 */
public class TenantAdmin {

    /** The actor recorded for changes made through the admin API (which has one shared token). */

    private final TenantStore store;
    private final ControlPlaneEvents events;
    private final KeyMinter minter;
    private final Clock clock;

    public TenantAdmin(TenantStore store, ControlPlaneEvents events, KeyMinter minter, Clock clock) {
        this.store = store;
        this.events = events;
        this.minter = minter;
        this.clock = clock;
    }

    @Transactional
    public Mono<Tenant> createTenant(String name, TenantPlan plan) {
        return createTenant(name, plan, LimitOverrides.NONE);
    }

    /** Creates a tenant whose limits are its plan's, except where {@code limits} says otherwise. */
    @Transactional
    public Mono<Tenant> createTenant(String name, TenantPlan plan, LimitOverrides limits) {
        return Mono.defer(() -> {
            Tenant tenant = Tenant.create(name.trim(), plan, limits, clock.instant());
            return store.insertTenant(tenant)
                    .then(Actors.current().flatMap(actor -> events.tenantCreated(tenant, actor)))
                    .then(events.deliver())
                    .thenReturn(tenant);
        });
    }

    public Mono<Tenant> tenant(UUID id) {
        return store.findTenant(id);
    }

    /**
     * One page of the tenants {@code query} matches (by name part, ignoring case, or by exact id),
     * newest first, with the cursor of the next page if there is one.
     */
    @Transactional(readOnly = true)
    public Mono<TenantPage> tenants(TenantQuery query) {
        return store.findTenants(query.nameContains(), query.id().orElse(null), query.after(), query.limit() + 1)
                .collectList()
                .map(found -> found.size() <= query.limit() ? new TenantPage(found, null)
                        : new TenantPage(found.subList(0, query.limit()),
                                TenantCursor.after(found.get(query.limit() - 1))));
    }

    /** The tenant's keys, newest first, without their hashes; empty when the tenant does not exist. */
    @Transactional(readOnly = true)
    public Mono<List<KeySummary>> keys(UUID tenantId) {
        return store.findTenant(tenantId).flatMap(tenant -> store.findKeySummaries(tenantId).collectList());
    }

    /**
     * Moves the tenant to {@code plan}: limits it has of its own stay, the others become the new plan's.
     * Moving it to the plan it has changes nothing and announces nothing; empty when it does not exist.
     */
    @Transactional
    public Mono<Tenant> changePlan(UUID tenantId, TenantPlan plan) {
        return store.findTenantForUpdate(tenantId).flatMap(before -> before.plan() == plan ? Mono.just(before)
                : store.updateTenantPlan(tenantId, plan, clock.instant())
                        .flatMap(tenant -> Actors.current().flatMap(actor -> events.tenantPlanChanged(tenant, before.plan(), actor))
                                .then(events.deliver()).thenReturn(tenant)));
    }

    /**
     * Suspends the tenant: once this returns, every gateway refuses its keys (403 tenant_suspended).
     * Suspending a suspended tenant changes nothing and announces nothing; empty when it does not exist.
     */
    @Transactional
    public Mono<Tenant> suspend(UUID tenantId) {
        return changeStatus(tenantId, TenantStatus.SUSPENDED);
    }

    /** Resumes a suspended tenant: its active keys work again. Otherwise like {@link #suspend}. */
    @Transactional
    public Mono<Tenant> resume(UUID tenantId) {
        return changeStatus(tenantId, TenantStatus.ACTIVE);
    }

    private Mono<Tenant> changeStatus(UUID tenantId, TenantStatus status) {
        return store.findTenantForUpdate(tenantId).flatMap(before -> before.status() == status ? Mono.just(before)
                : store.updateTenantStatus(tenantId, status, clock.instant())
                        .flatMap(tenant -> Actors.current().flatMap(actor -> events.tenantStatusChanged(tenant, before.status(), actor))
                                .then(events.deliver()).thenReturn(tenant)));
    }

    /**
     * Sets the tenant's limits (replacing earlier ones: a field left out returns to the plan's); empty
     * when the tenant does not exist. Answers once the new tenant record is on its topic; the gateways
     * apply it to new requests at once.
     */
    @Transactional
    public Mono<Tenant> setLimits(UUID tenantId, LimitOverrides limits) {
        return Mono.defer(() -> store.updateTenantLimits(tenantId, limits, clock.instant())
                .flatMap(tenant -> Actors.current().flatMap(actor -> events.tenantLimitsChanged(tenant, actor)).then(events.deliver())
                        .thenReturn(tenant)));
    }

    /** Issues a key for the tenant; empty when the tenant does not exist. */
    @Transactional
    public Mono<IssuedKey> issueKey(UUID tenantId) {
        return issueKey(tenantId, KeyRateLimits.NONE);
    }

    /** Issues a key with limits of its own besides its tenant's; empty when the tenant does not exist. */
    @Transactional
    public Mono<IssuedKey> issueKey(UUID tenantId, KeyRateLimits limits) {
        return store.findTenant(tenantId).flatMap(tenant -> {
            MintedKey minted = minter.mint();
            TenantKey key = TenantKey.issue(tenant.id(), minted, limits, clock.instant());
            return store.insertKey(key)
                    .then(Actors.current().flatMap(actor -> events.keyIssued(key, actor)))
                    .then(events.deliver())
                    .thenReturn(new IssuedKey(key, minted.secret()));
        });
    }

    /**
     * Revokes the key. Revoking a revoked key changes nothing and announces nothing; empty when the
     * key does not exist.
     */
    @Transactional
    public Mono<TenantKey> revokeKey(UUID keyId) {
        return store.revokeActiveKey(keyId, clock.instant())
                .flatMap(revoked -> Actors.current().flatMap(actor -> events.keyRevoked(revoked, actor)).then(events.deliver()).thenReturn(revoked))
                .switchIfEmpty(Mono.defer(() -> store.findKey(keyId)));
    }
}
