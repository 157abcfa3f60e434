package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.gateway.domain.Authentication.Outcome;
import dev.fleet.schemas.ApiKeyHash;

class ApiKeyDirectoryTest {

    private static final String SECRET = "fk-test-secret";
    private static final String TENANT = "tenant-1";

    private final ApiKeyDirectory directory = new ApiKeyDirectory();

    @BeforeEach
    void activeTenant() {
        directory.applyTenant(TENANT, tenant(TENANT, TenantStatus.ACTIVE));
    }

    @Test
    void shouldAuthenticateActiveKeyOfActiveTenant() {
        // given
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.ACTIVE));
        // when
        Authentication result = directory.authenticate(SECRET);
        // then
        assertThat(result.outcome()).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(result.caller()).isEqualTo(new Caller(TENANT, "key-1", List.of("chat", "embeddings")));
    }

    @Test
    void shouldRejectUnknownKey() {
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.ACTIVE));

        assertThat(directory.authenticate("fk-someone-else").outcome()).isEqualTo(Outcome.UNKNOWN_KEY);
    }

    @Test
    void shouldRejectRevokedKey() {
        // given a key that was active, then revoked
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.ACTIVE));
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.REVOKED));
        // when / then
        assertThat(directory.authenticate(SECRET).outcome()).isEqualTo(Outcome.REVOKED_KEY);
    }

    @Test
    void shouldForgetKeyOnTombstone() {
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.ACTIVE));

        directory.applyKey("key-1", null);

        assertThat(directory.authenticate(SECRET).outcome()).isEqualTo(Outcome.UNKNOWN_KEY);
        assertThat(directory.keyCount()).isZero();
    }

    @Test
    void shouldRejectKeyOfSuspendedTenant() {
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.ACTIVE));

        directory.applyTenant(TENANT, tenant(TENANT, TenantStatus.SUSPENDED));

        assertThat(directory.authenticate(SECRET).outcome()).isEqualTo(Outcome.TENANT_SUSPENDED);
    }

    @Test
    void shouldRejectKeyWhoseTenantIsUnknownOrDeleted() {
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.ACTIVE));

        directory.applyTenant(TENANT, null);

        assertThat(directory.authenticate(SECRET).outcome()).isEqualTo(Outcome.UNKNOWN_TENANT);
    }

    @Test
    void shouldStopAcceptingOldSecretWhenKeyIsRotatedToNewHash() {
        // given
        directory.applyKey("key-1", key("key-1", SECRET, ApiKeyStatus.ACTIVE));
        // when the same key id gets a new hash
        directory.applyKey("key-1", key("key-1", "fk-rotated", ApiKeyStatus.ACTIVE));
        // then
        assertThat(directory.authenticate(SECRET).outcome()).isEqualTo(Outcome.UNKNOWN_KEY);
        assertThat(directory.authenticate("fk-rotated").outcome()).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void shouldAcceptUpperCaseHexHash() {
        ApiKey key = key("key-1", SECRET, ApiKeyStatus.ACTIVE);
        key.setSha256(key.getSha256().toUpperCase(Locale.ROOT));

        directory.applyKey("key-1", key);

        assertThat(directory.authenticate(SECRET).isAuthenticated()).isTrue();
    }

    @Test
    void shouldRefuseRecordWhoseHashIsNotSha256() {
        ApiKey key = key("key-1", SECRET, ApiKeyStatus.ACTIVE);
        key.setSha256(SECRET); // a clear key published by mistake

        assertThatThrownBy(() -> directory.applyKey("key-1", key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(SECRET);
        assertThat(directory.keyCount()).isZero();
    }

    static ApiKey key(String id, String secret, ApiKeyStatus status) {
        return ApiKey.newBuilder().setId(id).setTenantId(TENANT).setSha256(ApiKeyHash.sha256Hex(secret))
                .setPrefix(secret.substring(0, 5)).setScopes(List.of("chat", "embeddings")).setStatus(status)
                .setUpdatedAt(Instant.now()).build();
    }

    static Tenant tenant(String id, TenantStatus status) {
        return Tenant.newBuilder().setId(id).setName("Acme").setPlan(Plan.PRO).setStatus(status)
                .setRequestsPerMinute(600).setTokensPerDay(1_000_000).setUpdatedAt(Instant.now()).build();
    }
}
