package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.schemas.FleetTopics;

/**
 * {@code GET /v1/usage} answers the calling tenant's usage from the {@code fleet.usage.rollups.v1}
 * the gateway mirrors (published here as usage-metering does), and nobody else's.
 */
class UsageEndpointTest extends KafkaGatewayTest {

    @Test
    void shouldAnswerOnlyTheCallingTenantsOwnUsageFromTheRollups() {
        // given two tenants with usage in the same minutes
        String tenantA = UUID.randomUUID().toString();
        String tenantB = UUID.randomUUID().toString();
        String keyA = GatewayKafkaFixture.givenActiveKey(client, tenantA);
        String keyB = GatewayKafkaFixture.givenActiveKey(client, tenantB);
        Instant minute = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(110));
        publish(tenantA, Meter.PROMPT_TOKENS, minute, 10);
        publish(tenantA, Meter.PROMPT_TOKENS, minute, 25); // a later total of the same window replaces it
        publish(tenantA, Meter.COMPLETION_TOKENS, minute.plus(Duration.ofMinutes(1)), 7);
        publish(tenantA, Meter.EMBEDDING_TOKENS, minute.plus(Duration.ofMinutes(70)), 3);
        publish(tenantB, Meter.PROMPT_TOKENS, minute, 1000);
        // when / then
        await().atMost(GatewayKafkaFixture.KAFKA_WAIT).untilAsserted(() -> {
            JsonNode usage = usage(keyA, "?bucket_width=1h");
            assertThat(usage.at("/totals/prompt_tokens").asLong()).isEqualTo(25);
            assertThat(usage.at("/totals/completion_tokens").asLong()).isEqualTo(7);
            assertThat(usage.at("/totals/embedding_tokens").asLong()).isEqualTo(3);
        });
        JsonNode a = usage(keyA, "?bucket_width=1h");
        assertThat(a.get("object").asText()).isEqualTo("usage");
        assertThat(a.get("bucket_width").asText()).isEqualTo("1h");
        assertThat(a.at("/totals/search_queries").asLong()).isZero();
        assertThat(a.get("data")).hasSize(2);
        assertThat(a.at("/data/0/start_time").asText()).isEqualTo(minute.truncatedTo(ChronoUnit.HOURS).toString());
        assertThat(a.at("/data/0/usage/prompt_tokens").asLong()).isEqualTo(25);
        assertThat(a.at("/data/0/usage/completion_tokens").asLong()).isEqualTo(7);
        assertThat(a.at("/data/1/usage/embedding_tokens").asLong()).isEqualTo(3);
        await().atMost(GatewayKafkaFixture.KAFKA_WAIT).untilAsserted(() ->
                assertThat(usage(keyB, "").at("/totals/prompt_tokens").asLong()).isEqualTo(1000));
        assertThat(usage(keyB, "").at("/totals/completion_tokens").asLong()).isZero();
        JsonNode onlyFirstMinute = usage(keyA, "?bucket_width=1m&from=" + minute + "&to="
                + minute.plus(Duration.ofMinutes(1)));
        assertThat(onlyFirstMinute.at("/totals/prompt_tokens").asLong()).isEqualTo(25);
        assertThat(onlyFirstMinute.at("/totals/completion_tokens").asLong()).isZero();
    }

    @Test
    void shouldRefuseInvalidRangesInOpenAiShape() {
        String key = GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString());

        expectInvalid(key, "?from=2026-02-01&to=2026-01-01", "from");
        expectInvalid(key, "?from=yesterday", "from");
        expectInvalid(key, "?to=2026-13-01", "to");
        expectInvalid(key, "?bucket_width=1w", "bucket_width");
        expectInvalid(key, "?from=2020-01-01&to=2026-01-01", "from");
    }

    @Test
    void shouldReadDatesAsWholeUtcDays() {
        String key = GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString());

        JsonNode usage = usage(key, "?from=2026-01-30&to=2026-01-31&bucket_width=1d");

        assertThat(usage.get("from").asText()).isEqualTo("2026-01-30T00:00:00Z");
        assertThat(usage.get("to").asText()).isEqualTo("2026-02-01T00:00:00Z");
        assertThat(usage.get("data")).isEmpty();
    }

    private static void publish(String tenantId, Meter meter, Instant windowStart, long quantity) {
        GatewayKafkaFixture.send(FleetTopics.USAGE_ROLLUPS, tenantId + "/" + meter.name().toLowerCase() + "/"
                + windowStart, UsageRollup.newBuilder().setTenantId(tenantId).setMeter(meter)
                .setWindowStart(windowStart).setWindowEnd(windowStart.plus(Duration.ofMinutes(1)))
                .setQuantity(quantity).build());
    }

    private JsonNode usage(String key, String query) {
        return client.get().uri("/v1/usage" + query).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private void expectInvalid(String key, String query, String param) {
        client.get().uri("/v1/usage" + query).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param);
    }
}
