package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.schemas.ApiKeyHash;

class ApiKeyAuthenticatorTest {

    private static final String KEY = "fk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
    private static final String TENANT = "tenant-1";

    private final ApiKeyDirectory directory = new ApiKeyDirectory();
    private final FakeSync sync = new FakeSync();
    private final ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(directory, sync,
            Duration.ofMillis(200));

    @Test
    void answersNotLoadedForEveryKeyBeforeTheDirectoryHasLoaded() {
        // given: the key is even known already
        givenTenantAndKey();
        sync.loaded = false;
        // when / then
        assertThat(authenticator.authenticate(KEY).block().outcome()).isEqualTo(Authentication.Outcome.NOT_LOADED);
        assertThat(sync.catchUps).hasValue(0);
    }

    @Test
    void acceptsAKeyThatArrivesDuringTheCatchUp() {
        // given: the key's records arrive with the catch-up
        sync.onCatchUp = this::givenTenantAndKey;
        // when
        Authentication authentication = authenticator.authenticate(KEY).block();
        // then
        assertThat(authentication.isAuthenticated()).isTrue();
        assertThat(sync.catchUps).hasValue(1);
    }

    @Test
    void acceptsAKeyWhoseTenantArrivesDuringTheCatchUp() {
        // given
        directory.applyKey("k1", key(ApiKeyStatus.ACTIVE));
        sync.onCatchUp = () -> directory.applyTenant(TENANT, tenant());
        // when / then
        assertThat(authenticator.authenticate(KEY).block().isAuthenticated()).isTrue();
    }

    @Test
    void refusesAnUnknownKeyAfterTheCatchUp() {
        assertThat(authenticator.authenticate(KEY).block().outcome()).isEqualTo(Authentication.Outcome.UNKNOWN_KEY);
        assertThat(sync.catchUps).hasValue(1);
    }

    @Test
    void answersUnverifiedWhenTheCatchUpCannotFinish() {
        // given
        sync.result = new CompletableFuture<>(); // never completes
        // when / then
        assertThat(authenticator.authenticate(KEY).block().outcome()).isEqualTo(Authentication.Outcome.UNVERIFIED);
    }

    @Test
    void neitherCatchesUpForAMalformedKeyNorForAKnownOne() {
        // given
        givenTenantAndKey();
        // when / then
        assertThat(authenticator.authenticate("not-a-fleet-key").block().outcome())
                .isEqualTo(Authentication.Outcome.UNKNOWN_KEY);
        assertThat(authenticator.authenticate(KEY).block().isAuthenticated()).isTrue();
        directory.applyKey("k1", key(ApiKeyStatus.REVOKED));
        assertThat(authenticator.authenticate(KEY).block().outcome()).isEqualTo(Authentication.Outcome.REVOKED_KEY);
        assertThat(sync.catchUps).hasValue(0);
    }

    private void givenTenantAndKey() {
        directory.applyTenant(TENANT, tenant());
        directory.applyKey("k1", key(ApiKeyStatus.ACTIVE));
    }

    private static Tenant tenant() {
        return Tenant.newBuilder().setId(TENANT).setName("Acme").setPlan(Plan.PRO).setStatus(TenantStatus.ACTIVE)
                .setRequestsPerMinute(600).setTokensPerDay(1_000).setUpdatedAt(Instant.EPOCH).build();
    }

    private static ApiKey key(ApiKeyStatus status) {
        return ApiKey.newBuilder().setId("k1").setTenantId(TENANT).setSha256(ApiKeyHash.sha256Hex(KEY))
                .setPrefix(KEY.substring(0, 9)).setScopes(List.of("chat")).setStatus(status)
                .setUpdatedAt(Instant.EPOCH).build();
    }

    /** A feed whose catch-up applies {@code onCatchUp} and then completes with {@code result}. */
    private static final class FakeSync implements DirectorySync {
        volatile boolean loaded = true;
        volatile Runnable onCatchUp = () -> { };
        volatile CompletableFuture<Void> result = CompletableFuture.completedFuture(null);
        final AtomicInteger catchUps = new AtomicInteger();

        @Override
        public boolean isLoaded() {
            return loaded;
        }

        @Override
        public CompletableFuture<Void> catchUp() {
            catchUps.incrementAndGet();
            onCatchUp.run();
            return result;
        }
    }
}
