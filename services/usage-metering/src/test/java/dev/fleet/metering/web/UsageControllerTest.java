package dev.fleet.metering.web;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.Meter;
import dev.fleet.metering.config.FleetMeteringProperties;
import dev.fleet.metering.domain.UsageHistory;
import dev.fleet.metering.domain.UsageNotQueryableException;
import dev.fleet.metering.domain.UsageOwners;
import dev.fleet.metering.domain.UsageWindow;
import dev.fleet.platform.web.FleetWebAutoConfiguration;

@WebFluxTest(controllers = UsageController.class, properties = {"fleet.admin.token=" + UsageControllerTest.TOKEN,
        "fleet.admin.paths=/usage/"})
@ImportAutoConfiguration(FleetWebAutoConfiguration.class)
class UsageControllerTest {

    static final String TOKEN = "slice-token";
    private static final Instant NOW = Instant.parse("2025-03-02T10:00:00Z");
    private static final Instant T0 = Instant.parse("2025-03-02T09:00:00Z");

    @TestConfiguration
    @EnableConfigurationProperties(FleetMeteringProperties.class)
    static class FixedClock {
        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Bean
        WebClient.Builder webClientBuilder() {
            return WebClient.builder();
        }
    }

    @Autowired
    WebTestClient http;

    @MockitoBean
    UsageHistory history;

    @MockitoBean
    UsageOwners owners;

    @Test
    void answersTheWindowsOfTheGranularityAskedFor() {
        // given
        Instant month = Instant.parse("2025-03-01T00:00:00Z");
        given(history.windows("t1", Granularity.MONTH, month, NOW)).willReturn(List.of(
                new UsageWindow(Meter.PROMPT_TOKENS, "a", month, Instant.parse("2025-04-01T00:00:00Z"), 10),
                new UsageWindow(Meter.PROMPT_TOKENS, "b", month, Instant.parse("2025-04-01T00:00:00Z"), 5)));

        // when / then
        http.get().uri("/usage/t1?granularity=month&from=2025-03-01T00:00:00Z")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.granularity").isEqualTo("month")
                .jsonPath("$.totals.prompt_tokens").isEqualTo(15)
                .jsonPath("$.windows[1].model").isEqualTo("b")
                .jsonPath("$.windows[1].window_end").isEqualTo("2025-04-01T00:00:00Z");
    }

    @Test
    void rejectsAnUnknownGranularity() {
        http.get().uri("/usage/t1?granularity=week").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("granularity");
    }

    @Test
    void answersWindowsAndTotalsOfTheLastDayByDefault() {
        // given
        given(history.windows("t1", Granularity.MINUTE, NOW.minusSeconds(86_400), NOW)).willReturn(List.of(
                new UsageWindow(Meter.PROMPT_TOKENS, "gpt-4o", T0, T0.plusSeconds(60), 10),
                new UsageWindow(Meter.PROMPT_TOKENS, "gpt-4o", T0.plusSeconds(60), T0.plusSeconds(120), 5),
                new UsageWindow(Meter.COMPLETION_TOKENS, null, T0, T0.plusSeconds(60), 7)));

        // when / then
        http.get().uri("/usage/t1").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tenant_id").isEqualTo("t1")
                .jsonPath("$.from").isEqualTo("2025-03-01T10:00:00Z")
                .jsonPath("$.to").isEqualTo("2025-03-02T10:00:00Z")
                .jsonPath("$.totals.prompt_tokens").isEqualTo(15)
                .jsonPath("$.totals.completion_tokens").isEqualTo(7)
                .jsonPath("$.windows.length()").isEqualTo(3)
                .jsonPath("$.granularity").isEqualTo("minute")
                .jsonPath("$.windows[0].meter").isEqualTo("prompt_tokens")
                .jsonPath("$.windows[0].model").isEqualTo("gpt-4o")
                .jsonPath("$.windows[0].window_start").isEqualTo("2025-03-02T09:00:00Z")
                .jsonPath("$.windows[0].window_end").isEqualTo("2025-03-02T09:01:00Z")
                .jsonPath("$.windows[0].quantity").isEqualTo(10)
                .jsonPath("$.windows[1].meter").isEqualTo("completion_tokens");
    }

    @Test
    void answersAnUnknownTenantWithEmptyTotals() {
        given(history.windows(eq("nobody"), any(), any(), any())).willReturn(List.of());

        http.get().uri("/usage/nobody?from=2025-03-02T09:00:00Z&to=2025-03-02T09:30:00Z")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.from").isEqualTo("2025-03-02T09:00:00Z")
                .jsonPath("$.totals").isEmpty()
                .jsonPath("$.windows").isEmpty();
    }

    @Test
    void rejectsAMalformedOrInvertedRange() {
        http.get().uri("/usage/t1?from=yesterday").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("from")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
        http.get().uri("/usage/t1?from=2025-03-02T09:00:00Z&to=2025-03-02T08:00:00Z")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isBadRequest();
    }

    @Test
    void asksToRetryWhileTheStoreIsNotQueryable() {
        given(history.windows(eq("t1"), any(), any(), any()))
                .willThrow(new UsageNotQueryableException("rebalancing", null));

        http.get().uri("/usage/t1").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, UsageController.RETRY_AFTER_SECONDS)
                .expectBody().jsonPath("$.error.code").isEqualTo("usage_not_ready");
    }

    @Test
    void refusesARequestWithoutTheAdminToken() {
        http.get().uri("/usage/t1").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.type").isEqualTo("authentication_error");
    }
}
