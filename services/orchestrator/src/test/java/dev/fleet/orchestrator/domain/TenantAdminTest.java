package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.schemas.ApiKeyHash;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class TenantAdminTest {

    private final InMemoryStore store = new InMemoryStore();
    private final List<String> announced = new ArrayList<>();
    private final TenantAdmin admin = new TenantAdmin(store, new RecordingEvents(),
            new KeyMinter(), Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void createsAnActiveTenantAndAnnouncesIt() {
        // when
        Tenant tenant = admin.createTenant("  Acme  ", TenantPlan.PRO).block();

        // then
        assertThat(tenant.name()).isEqualTo("Acme");
        assertThat(tenant.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(store.tenants).containsKey(tenant.id());
        assertThat(announced).containsExactly("tenantCreated " + tenant.id(), "delivered");
    }

    @Test
    void storesOnlyTheHashAndPrefixOfAnIssuedKey() {
        // given
        Tenant tenant = admin.createTenant("Acme", TenantPlan.FREE).block();

        // when
        IssuedKey issued = admin.issueKey(tenant.id()).block();

        // then
        TenantKey stored = store.keys.get(issued.key().id());
        assertThat(stored.sha256()).isEqualTo(ApiKeyHash.sha256Hex(issued.secret()));
        assertThat(stored.prefix()).isEqualTo(issued.secret().substring(0, 9));
        assertThat(stored.toString()).doesNotContain(issued.secret());
        assertThat(stored.scopes()).containsExactly("chat", "embeddings", "items", "search", "risk");
        assertThat(announced).contains("keyIssued " + stored.id());
    }

    @Test
    void issuesNoKeyForAnUnknownTenant() {
        // when
        IssuedKey issued = admin.issueKey(UUID.randomUUID()).block();

        // then
        assertThat(issued).isNull();
        assertThat(store.keys).isEmpty();
        assertThat(announced).isEmpty();
    }

    @Test
    void announcesARevocationOnlyOnce() {
        // given
        Tenant tenant = admin.createTenant("Acme", TenantPlan.FREE).block();
        UUID keyId = admin.issueKey(tenant.id()).block().key().id();

        // when
        TenantKey first = admin.revokeKey(keyId).block();
        TenantKey second = admin.revokeKey(keyId).block();

        // then
        assertThat(first.status()).isEqualTo(ApiKeyStatus.REVOKED);
        assertThat(second.status()).isEqualTo(ApiKeyStatus.REVOKED);
        assertThat(announced).filteredOn(e -> e.startsWith("keyRevoked")).hasSize(1);
        assertThat(admin.revokeKey(UUID.randomUUID()).block()).isNull();
    }

    @Test
    void shouldTakeThePlansLimitsUnlessOverriddenAndAnnounceAChange() {
        // given a free tenant with its own token limit
        Tenant tenant = admin.createTenant("Acme", TenantPlan.FREE, new LimitOverrides(null, 5_000L, 0L)).block();
        assertThat(tenant.requestsPerMinute()).isEqualTo(TenantPlan.FREE.requestsPerMinute());
        assertThat(tenant.tokensPerMinute()).isEqualTo(5_000L);
        assertThat(tenant.monthlyTokens()).isZero();

        // when its limits are replaced
        Tenant changed = admin.setLimits(tenant.id(), new LimitOverrides(10, null, null)).block();

        // then the new ones apply, what was left out is the plan's again, and the change is announced
        assertThat(changed.requestsPerMinute()).isEqualTo(10);
        assertThat(changed.tokensPerMinute()).isEqualTo(TenantPlan.FREE.tokensPerMinute());
        assertThat(changed.updatedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(announced).containsExactly("tenantCreated " + tenant.id(), "delivered",
                "tenantLimitsChanged " + tenant.id() + " 10", "delivered");
        assertThat(admin.setLimits(UUID.randomUUID(), LimitOverrides.NONE).block()).isNull();
    }

    @Test
    void shouldIssueAKeyWithLimitsOfItsOwn() {
        // given
        Tenant tenant = admin.createTenant("Acme", TenantPlan.PRO).block();

        // when
        IssuedKey issued = admin.issueKey(tenant.id(), new KeyRateLimits(5, null)).block();

        // then
        assertThat(store.keys.get(issued.key().id()).limits()).isEqualTo(new KeyRateLimits(5, null));
    }

    @Test
    void shouldSuspendAndResumeOnceAndAnnounceEachChange() {
        // given
        Tenant tenant = admin.createTenant("Acme", TenantPlan.FREE).block();
        announced.clear();

        // when
        Tenant suspended = admin.suspend(tenant.id()).block();
        Tenant again = admin.suspend(tenant.id()).block();
        Tenant resumed = admin.resume(tenant.id()).block();

        // then
        assertThat(suspended.status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThat(again.status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThat(resumed.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(announced).containsExactly("tenantStatusChanged " + tenant.id() + " SUSPENDED from ACTIVE",
                "delivered", "tenantStatusChanged " + tenant.id() + " ACTIVE from SUSPENDED", "delivered");
        assertThat(admin.suspend(UUID.randomUUID()).block()).isNull();
    }

    @Test
    void shouldChangeThePlanButKeepTheTenantsOwnLimits() {
        // given a free tenant with its own requests-per-minute limit
        Tenant tenant = admin.createTenant("Acme", TenantPlan.FREE, new LimitOverrides(7, null, null)).block();
        announced.clear();

        // when
        Tenant changed = admin.changePlan(tenant.id(), TenantPlan.PRO).block();
        admin.changePlan(tenant.id(), TenantPlan.PRO).block();

        // then
        assertThat(changed.plan()).isEqualTo(TenantPlan.PRO);
        assertThat(changed.requestsPerMinute()).isEqualTo(7);
        assertThat(changed.tokensPerMinute()).isEqualTo(TenantPlan.PRO.tokensPerMinute());
        assertThat(announced).containsExactly("tenantPlanChanged " + tenant.id() + " PRO from FREE", "delivered");
        assertThat(admin.changePlan(UUID.randomUUID(), TenantPlan.PRO).block()).isNull();
    }

    @Test
    void shouldPageThroughTheTenantsWithACursor() {
        // given
        for (int i = 0; i < 5; i++) {
            admin.createTenant("Acme " + i, TenantPlan.FREE).block();
        }

        // when
        TenantPage first = admin.tenants(new TenantQuery("acme", null, 2)).block();
        TenantPage second = admin.tenants(new TenantQuery("acme", first.next(), 2)).block();
        TenantPage last = admin.tenants(new TenantQuery("acme", second.next(), 2)).block();

        // then
        assertThat(first.tenants()).hasSize(2);
        assertThat(second.tenants()).hasSize(2).doesNotContainAnyElementsOf(first.tenants());
        assertThat(last.tenants()).hasSize(1);
        assertThat(last.next()).isNull();
        assertThat(TenantCursor.parse(first.next().token())).contains(first.next());
        assertThat(TenantCursor.parse("not a cursor")).isEmpty();
    }

    @Test
    void shouldListATenantsKeysWithoutTheirHashes() {
        // given
        Tenant tenant = admin.createTenant("Acme", TenantPlan.FREE).block();
        IssuedKey issued = admin.issueKey(tenant.id()).block();
        admin.revokeKey(issued.key().id()).block();

        // when
        List<KeySummary> keys = admin.keys(tenant.id()).block();

        // then
        assertThat(keys).singleElement().satisfies(key -> {
            assertThat(key.prefix()).isEqualTo(issued.key().prefix());
            assertThat(key.revokedAt()).isNotNull();
            assertThat(key.toString()).doesNotContain(issued.key().sha256()).doesNotContain(issued.secret());
        });
        assertThat(admin.keys(UUID.randomUUID()).block()).isNull();
    }

    private final class RecordingEvents implements ControlPlaneEvents {
        @Override
        public Mono<Void> tenantPlanChanged(Tenant tenant, TenantPlan previous, String actor) {
            return Mono.fromRunnable(() -> announced.add("tenantPlanChanged " + tenant.id() + " " + tenant.plan()
                    + " from " + previous));
        }

        @Override
        public Mono<Void> tenantStatusChanged(Tenant tenant, TenantStatus previous, String actor) {
            return Mono.fromRunnable(() -> announced.add("tenantStatusChanged " + tenant.id() + " "
                    + tenant.status() + " from " + previous));
        }

        @Override
        public Mono<Void> consoleSignInRefused(String remoteAddress, int consecutiveFailures) {
            return Mono.fromRunnable(() -> announced.add("consoleSignInRefused " + remoteAddress));
        }

        @Override
        public Mono<Void> tenantCreated(Tenant tenant, String actor) {
            return Mono.fromRunnable(() -> announced.add("tenantCreated " + tenant.id()));
        }

        @Override
        public Mono<Void> tenantLimitsChanged(Tenant tenant, String actor) {
            return Mono.fromRunnable(() -> announced.add("tenantLimitsChanged " + tenant.id() + " "
                    + tenant.requestsPerMinute()));
        }

        @Override
        public Mono<Void> keyIssued(TenantKey key, String actor) {
            return Mono.fromRunnable(() -> announced.add("keyIssued " + key.id()));
        }

        @Override
        public Mono<Void> keyRevoked(TenantKey key, String actor) {
            return Mono.fromRunnable(() -> announced.add("keyRevoked " + key.id()));
        }

        @Override
        public Mono<Void> promptVersionCreated(dev.fleet.orchestrator.domain.prompts.PromptConfig prompt,
                int version, List<String> labels, String actor) {
            return Mono.fromRunnable(() -> announced.add("promptVersionCreated " + prompt.name() + " " + version));
        }

        @Override
        public Mono<Void> promptLabelMoved(dev.fleet.orchestrator.domain.prompts.PromptConfig prompt, String label,
                int version, Integer previous, String actor) {
            return Mono.fromRunnable(() -> announced.add("promptLabelMoved " + prompt.name() + " " + label));
        }

        @Override
        public Mono<Void> quotaWebhookChanged(UUID tenantId, String url, String actor) {
            return Mono.fromRunnable(() -> announced.add("quotaWebhookChanged " + tenantId));
        }

        public Mono<Void> modelAliasChanged(dev.fleet.events.v1.ModelAlias alias, boolean removed, String actor) {
            return Mono.fromRunnable(() -> announced.add("modelAliasChanged " + alias.getAlias() + " " + removed));
        }

        @Override
        public Mono<Void> deliver() {
            return Mono.fromRunnable(() -> announced.add("delivered"));
        }
    }

    private static final class InMemoryStore implements TenantStore {
        final Map<UUID, Tenant> tenants = new ConcurrentHashMap<>();
        final Map<UUID, TenantKey> keys = new ConcurrentHashMap<>();

        @Override
        public Mono<Void> insertTenant(Tenant tenant) {
            return Mono.fromRunnable(() -> tenants.put(tenant.id(), tenant));
        }

        @Override
        public Mono<Tenant> findTenant(UUID id) {
            return Mono.justOrEmpty(tenants.get(id));
        }

        @Override
        public Mono<Tenant> findTenantForUpdate(UUID id) {
            return findTenant(id);
        }

        @Override
        public Flux<Tenant> findTenants(String nameContains, UUID id, TenantCursor after, int limit) {
            Comparator<Tenant> newestFirst = Comparator.comparing(Tenant::createdAt).thenComparing(Tenant::id)
                    .reversed();
            return Flux.fromStream(tenants.values().stream()
                    .filter(t -> nameContains.isBlank() || t.name().toLowerCase().contains(nameContains)
                            || t.id().equals(id))
                    .filter(t -> after == null || newestFirst.compare(t, new Tenant(after.id(), "", TenantPlan.FREE,
                            TenantStatus.ACTIVE, null, after.createdAt(), after.createdAt())) > 0)
                    .sorted(newestFirst)
                    .limit(limit));
        }

        @Override
        public Mono<Tenant> updateTenantPlan(UUID id, TenantPlan plan, Instant now) {
            return Mono.justOrEmpty(tenants.computeIfPresent(id, (k, t) -> t.withPlan(plan, now)));
        }

        @Override
        public Mono<Tenant> updateTenantStatus(UUID id, TenantStatus status, Instant now) {
            return Mono.justOrEmpty(tenants.computeIfPresent(id, (k, t) -> t.withStatus(status, now)));
        }

        @Override
        public Flux<KeySummary> findKeySummaries(UUID tenantId) {
            return Flux.fromStream(keys.values().stream().filter(k -> k.tenantId().equals(tenantId))
                    .map(KeySummary::of));
        }

        @Override
        public Mono<Tenant> updateTenantLimits(UUID id, LimitOverrides limits, Instant now) {
            return Mono.justOrEmpty(tenants.get(id)).map(t -> {
                Tenant changed = t.withLimits(limits, now);
                tenants.put(id, changed);
                return changed;
            });
        }

        @Override
        public Mono<Void> insertKey(TenantKey key) {
            return Mono.fromRunnable(() -> keys.put(key.id(), key));
        }

        @Override
        public Mono<TenantKey> findKey(UUID id) {
            return Mono.justOrEmpty(keys.get(id));
        }

        @Override
        public Mono<TenantKey> revokeActiveKey(UUID id, Instant now) {
            return Mono.justOrEmpty(keys.get(id)).filter(k -> k.status() == ApiKeyStatus.ACTIVE).map(k -> {
                TenantKey revoked = new TenantKey(k.id(), k.tenantId(), k.sha256(), k.prefix(), k.scopes(),
                        ApiKeyStatus.REVOKED, k.limits(), k.createdAt(), now);
                keys.put(id, revoked);
                return revoked;
            });
        }
    }
}
