package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.gateway.config.GatewayTestProperties;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.ApiKeyAuthenticator;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.DirectorySync;
import dev.fleet.schemas.ApiKeyHash;

import reactor.core.publisher.Mono;

class ApiKeyAuthenticationFilterTest {

    private static final String KEY = "fk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiKeyDirectory directory = new ApiKeyDirectory();
    private volatile boolean loaded;

    private final DirectorySync sync = new DirectorySync() {
        @Override
        public boolean isLoaded() {
            return loaded;
        }

        @Override
        public CompletableFuture<Void> catchUp() {
            return CompletableFuture.completedFuture(null);
        }
    };

    private final ApiKeyAuthenticationFilter filter = new ApiKeyAuthenticationFilter(
            new ApiKeyAuthenticator(directory, sync, Duration.ofSeconds(1)), JSON,
            GatewayTestProperties.with(Map.of("retry-after", "3s")), new RefusalCounter(Clock.systemUTC()));

    @Test
    void answers503WithRetryAfterNot401ForAValidKeyBeforeTheMirrorsHaveLoaded() throws Exception {
        // given: a valid key, but the directory has not finished loading
        directory.applyTenant("t1", Tenant.newBuilder().setId("t1").setName("Acme").setPlan(Plan.PRO)
                .setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(600).setTokensPerDay(1_000)
                .setUpdatedAt(Instant.EPOCH).build());
        directory.applyKey("k1", ApiKey.newBuilder().setId("k1").setTenantId("t1").setSha256(ApiKeyHash.sha256Hex(KEY))
                .setPrefix(KEY.substring(0, 9)).setScopes(List.of("chat")).setStatus(ApiKeyStatus.ACTIVE)
                .setUpdatedAt(Instant.EPOCH).build());
        loaded = false;
        AtomicBoolean handled = new AtomicBoolean();

        // when
        MockServerWebExchange exchange = exchange();
        filter.filter(exchange, e -> Mono.fromRunnable(() -> handled.set(true))).block();

        // then: 503 in OpenAI's error shape, with Retry-After, and the request went no further
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
        JsonNode error = JSON.readTree(exchange.getResponse().getBodyAsString().block()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("code").asText()).isEqualTo("service_unavailable");
        assertThat(handled).isFalse();

        // when the mirrors have loaded, then the same key passes
        loaded = true;
        MockServerWebExchange later = exchange();
        filter.filter(later, e -> Mono.fromRunnable(() -> handled.set(true))).block();
        assertThat(handled).isTrue();
        assertThat(later.getAttributes()).containsKey(ApiKeyAuthenticationFilter.CALLER);
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY));
    }
}
