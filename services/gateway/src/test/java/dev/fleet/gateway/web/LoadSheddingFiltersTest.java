package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import dev.fleet.gateway.config.GatewayTestProperties;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The gateway's load-shedding filters on their own: what they admit, what they refuse, and how. */
class LoadSheddingFiltersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY_AFTER = Duration.ofSeconds(7);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** A handler whose responses complete only when the test says so. */
    private static final class HeldResponses implements WebFilterChain {

        final List<Sinks.Empty<Void>> held = new CopyOnWriteArrayList<>();

        @Override
        public Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange) {
            Sinks.Empty<Void> response = Sinks.empty();
            held.add(response);
            return response.asMono();
        }
    }

    @Test
    void shouldRefuseTheRequestBeyondTheBoundWith503AndRetryAfterWithoutQueueingIt() {
        // given
        InFlightLimitFilter filter = new InFlightLimitFilter(2, RETRY_AFTER, JSON, meters);
        HeldResponses handler = new HeldResponses();
        filter.filter(post("/v1/chat/completions"), handler).subscribe();
        filter.filter(post("/v1/embeddings"), handler).subscribe();
        // when
        MockServerWebExchange third = post("/v1/chat/completions");
        filter.filter(third, handler).block(Duration.ofSeconds(5));
        // then
        assertThat(handler.held).hasSize(2);
        assertThat(third.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(third.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        JsonNode error = errorOf(third);
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("code").asText()).isEqualTo("server_overloaded");
        assertThat(meters.get("fleet.gateway.requests.in.flight").gauge().value()).isEqualTo(2.0);
        assertThat(meters.get("fleet.gateway.requests.shed").tag("reason", "in_flight_limit").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldHoldASlotUntilTheResponseCompletesThenAdmitTheNext() {
        // given
        InFlightLimitFilter filter = new InFlightLimitFilter(1, RETRY_AFTER, JSON, meters);
        HeldResponses handler = new HeldResponses();
        filter.filter(post("/v1/chat/completions"), handler).subscribe();
        // when
        handler.held.get(0).tryEmitEmpty();
        MockServerWebExchange next = post("/v1/chat/completions");
        filter.filter(next, handler).subscribe();
        // then
        assertThat(handler.held).hasSize(2);
        assertThat(next.getResponse().getStatusCode()).isNull();
        assertThat(filter.inFlight()).isEqualTo(1);
    }

    @Test
    void shouldFreeTheSlotWhenTheResponseFailsOrTheClientGoesAway() {
        // given
        InFlightLimitFilter filter = new InFlightLimitFilter(2, RETRY_AFTER, JSON, meters);
        HeldResponses handler = new HeldResponses();
        filter.filter(post("/v1/chat/completions"), handler).subscribe(v -> { }, e -> { });
        Disposable stream = filter.filter(post("/v1/chat/completions"), handler).subscribe();
        assertThat(filter.inFlight()).isEqualTo(2);
        // when
        handler.held.get(0).tryEmitError(new IllegalStateException("handler failed"));
        stream.dispose();
        // then
        assertThat(filter.inFlight()).isZero();
    }

    @Test
    void shouldNotCountRequestsOutsideTheApi() {
        // given
        InFlightLimitFilter filter = new InFlightLimitFilter(1, RETRY_AFTER, JSON, meters);
        HeldResponses handler = new HeldResponses();
        filter.filter(post("/v1/chat/completions"), handler).subscribe();
        // when
        MockServerWebExchange probe = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health/readiness"));
        filter.filter(probe, handler).subscribe();
        // then
        assertThat(handler.held).hasSize(2);
        assertThat(probe.getResponse().getStatusCode()).isNull();
        assertThat(filter.inFlight()).isEqualTo(1);
    }

    @Test
    void shouldRefuseWritesAt503WhileKafkaIsUnreachable() {
        // given
        AtomicBoolean reachable = new AtomicBoolean(false);
        KafkaOutageFilter filter = new KafkaOutageFilter(reachable::get, RETRY_AFTER, JSON, meters);
        HeldResponses handler = new HeldResponses();
        // when
        MockServerWebExchange chat = post("/v1/chat/completions");
        filter.filter(chat, handler).block(Duration.ofSeconds(5));
        // then
        assertThat(handler.held).isEmpty();
        assertThat(chat.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(chat.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        assertThat(errorOf(chat).path("code").asText()).isEqualTo("kafka_unavailable");
        assertThat(meters.get("fleet.gateway.requests.shed").tag("reason", "kafka_unavailable").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldLetReadsOfLocalStateAndEverythingOnceKafkaIsBackThrough() {
        // given
        AtomicBoolean reachable = new AtomicBoolean(false);
        KafkaOutageFilter filter = new KafkaOutageFilter(reachable::get, RETRY_AFTER, JSON, meters);
        HeldResponses handler = new HeldResponses();
        // when
        filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models")), handler).subscribe();
        reachable.set(true);
        MockServerWebExchange chat = post("/v1/chat/completions");
        filter.filter(chat, handler).subscribe();
        // then
        assertThat(handler.held).hasSize(2);
        assertThat(chat.getResponse().getStatusCode()).isNull();
    }

    @Test
    void shouldRunBeforeAuthentication() {
        assertThat(KafkaOutageFilter.ORDER).isLessThan(InFlightLimitFilter.ORDER);
        assertThat(InFlightLimitFilter.ORDER).isLessThan(new ApiKeyAuthenticationFilter(null, JSON, GatewayTestProperties.with(Map.of()), null).getOrder());
    }

    private static MockServerWebExchange post(String path) {
        return MockServerWebExchange.from(MockServerHttpRequest.post(path).body("{}"));
    }

    private static JsonNode errorOf(MockServerWebExchange exchange) {
        try {
            return JSON.readTree(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5))).path("error");
        } catch (Exception e) {
            throw new AssertionError("the response body is not JSON", e);
        }
    }
}
