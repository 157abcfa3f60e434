package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.schemas.ApiKeyHash;

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

    private final class RecordingEvents implements ControlPlaneEvents {
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
