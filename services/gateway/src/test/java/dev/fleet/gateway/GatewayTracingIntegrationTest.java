package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.schemas.FleetTopics;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * One chat request is one trace from the caller on (decisions 0038, 0052): the gateway's HTTP server
 * span continues the caller's {@code traceparent}, and the producer span of the chat request it publishes
 * is that HTTP span's child — by default, without Reactor's automatic context propagation.
 */
@AutoConfigureObservability(metrics = false) // tests turn tracing off unless asked
@Import(GatewayTracingIntegrationTest.Spans.class)
class GatewayTracingIntegrationTest extends KafkaGatewayTest {

    /** Not a bean: Spring Boot would also hand a SpanExporter bean to its own batching processor. */
    static final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @Test
    void chatRequestsProducerSpanIsTheChildOfTheHttpServerSpanInTheCallersTrace() throws Exception {
        // given a caller's trace and an active key
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpanId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String tenantId = UUID.randomUUID().toString();
        String key = GatewayKafkaFixture.givenActiveKey(client, tenantId);

        // when the caller asks for a completion with its traceparent, and the orchestrator answers
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> client.post()
                .uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "sim-model", "messages", List.of(Map.of("role", "user", "content", "Hi"))))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        ConsumerRecord<String, SpecificRecord> record = GatewayKafkaFixture.awaitRecord(FleetTopics.CHAT_REQUESTS,
                r -> r.value() instanceof ChatRequested c && c.getTenantId().equals(tenantId));
        GatewayKafkaFixture.reply((ChatRequested) record.value(), List.of("Hello"));
        assertThat(response.get(30, TimeUnit.SECONDS)).contains("Hello");

        // then the HTTP server span continues the caller's span, the producer span is its child
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            SpanData server = span(traceId, SpanKind.SERVER);
            SpanData producer = span(traceId, SpanKind.PRODUCER);
            assertThat(server.getParentSpanId()).isEqualTo(callerSpanId);
            assertThat(producer.getAttributes().asMap().values()).contains(FleetTopics.CHAT_REQUESTS.name());
            assertThat(producer.getParentSpanId()).isEqualTo(server.getSpanId());
        });
        // and the record carries the producer span, in the caller's trace
        assertThat(FleetHeaders.get(record.headers(), FleetHeaders.TRACEPARENT)).hasValueSatisfying(
                traceparent -> assertThat(traceparent).startsWith("00-" + traceId + "-"));
    }

    private static SpanData span(String traceId, SpanKind kind) {
        List<SpanData> found = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == kind).toList();
        assertThat(found).as("%s spans of trace %s among %s", kind, traceId, spans.getFinishedSpanItems().stream()
                .map(s -> s.getKind() + " " + s.getName() + " " + s.getTraceId()).toList()).hasSize(1);
        return found.get(0);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Spans {

        @Bean
        SpanProcessor testSpanProcessor() {
            return SimpleSpanProcessor.create(spans);
        }
    }
}
