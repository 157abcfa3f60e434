package dev.fleet.orchestrator.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.web.reactive.function.client.WebClient;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Kind;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Provider;
import dev.fleet.orchestrator.config.ProvidersConfiguration;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.ProviderFailure;
import dev.fleet.orchestrator.domain.RecordingExchange;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.SimulatedBehaviour;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Ollama-native, Anthropic and OpenAI Responses providers against the simulator speaking their
 * wire formats (Ollama's {@code /api/chat} NDJSON, Anthropic's {@code /v1/messages} SSE events,
 * OpenAI's {@code /v1/responses} events): text, usage, and errors classified like the
 * OpenAI-compatible provider's.
 */
class NativeProvidersTest {

    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start();
    private static ConnectionProvider pool;

    @BeforeAll
    static void createPool() {
        pool = ConnectionProvider.create("native-providers-test", 20);
    }

    @AfterAll
    static void stop() {
        SIMULATOR.close();
        pool.dispose();
    }

    @BeforeEach
    void reset() {
        SIMULATOR.reset().forgetRequests();
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"OLLAMA", "ANTHROPIC", "OPENAI_RESPONSES"})
    void streamsTheAnswerAndTheReportedUsage(Kind kind) {
        // when
        List<ProviderChunk> chunks = provider(kind).stream(request("What is Kafka?"), new RecordingExchange())
                .collectList().block(Duration.ofSeconds(20));

        // then
        String text = chunks.stream().map(ProviderChunk::text).reduce("", String::concat);
        assertThat(text).isEqualTo(OpenAiSimulator.answerTo("What is Kafka?"));
        TokenUsage usage = chunks.stream().map(ProviderChunk::usage).filter(u -> u != null)
                .reduce((first, second) -> second).orElseThrow();
        assertThat(usage.getCompletionTokens()).isEqualTo(6); // the simulator counts words: "Simulated answer to: What is Kafka?"
        assertThat(usage.getPromptTokens()).isPositive();
        JsonNode sent = SIMULATOR.requests().get(0);
        assertThat(sent.path("model").asText()).isEqualTo("native-model");
        assertThat(sent.path("stream").asBoolean()).isTrue();
        if (kind == Kind.OPENAI_RESPONSES) { // the Responses API's body, not chat completions'
            assertThat(sent.path("input").get(1).path("content").asText()).isEqualTo("What is Kafka?");
            assertThat(sent.path("input").get(0).path("role").asText()).isEqualTo("system");
            assertThat(sent.path("store").asBoolean(true)).isFalse();
            assertThat(sent.has("messages")).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"OLLAMA", "ANTHROPIC"})
    void refusesToolsItCannotServeWithoutCallingTheModelAndLetsAnotherTargetTry(Kind kind) {
        // given a request with a function tool, to a kind that is not given tools
        ChatRequested request = request("What is the weather in Oslo?");
        request.setOptions(ChatOptions.newBuilder().setToolsJson(
                "[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"parameters\":{}}}]").build());

        // then it is not answered as if the tools were not there
        assertThatThrownBy(() -> provider(kind).stream(request, new RecordingExchange()).blockLast(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(ProviderFailure.class, failure -> {
                    assertThat(failure.cause()).isEqualTo(ProviderFailure.Cause.UNSUPPORTED);
                    assertThat(failure.type()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
                    assertThat(failure.getMessage()).contains("cannot serve tools");
                    assertThat(failure.fallsBack()).as("an openai-kind target may serve it").isTrue();
                    assertThat(failure.retryable()).isFalse();
                    assertThat(failure.endpointFault()).isFalse();
                });
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"OLLAMA", "ANTHROPIC", "OPENAI_RESPONSES"})
    void retriesAServerErrorBeforeTheFirstToken(Kind kind) {
        // given
        SIMULATOR.next(1, SimulatedBehaviour.normal().withErrorStatus(503));

        // when
        String text = provider(kind).stream(request("hi"), new RecordingExchange()).map(ProviderChunk::text)
                .reduce("", String::concat).block(Duration.ofSeconds(20));

        // then
        assertThat(text).isEqualTo(OpenAiSimulator.answerTo("hi"));
        assertThat(SIMULATOR.requests()).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"OLLAMA", "ANTHROPIC", "OPENAI_RESPONSES"})
    void doesNotRetryARequestTheProviderRejected(Kind kind) {
        // given
        SIMULATOR.defaults(SimulatedBehaviour.normal().withErrorStatus(400));

        // then
        assertThatThrownBy(() -> provider(kind).stream(request("hi"), new RecordingExchange())
                .blockLast(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(ProviderFailure.class, failure -> {
                    assertThat(failure.cause()).isEqualTo(ProviderFailure.Cause.REJECTED);
                    assertThat(failure.type()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
                    assertThat(failure.fallsBack()).isFalse();
                });
        assertThat(SIMULATOR.requests()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"OLLAMA", "ANTHROPIC", "OPENAI_RESPONSES"})
    void classifiesARateLimitAsRetryableAndAMidStreamDisconnectAsFinal(Kind kind) {
        // given: rate limited on every attempt
        SIMULATOR.defaults(SimulatedBehaviour.normal().withErrorStatus(429));

        // then
        assertThatThrownBy(() -> provider(kind).stream(request("hi"), new RecordingExchange())
                .blockLast(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(ProviderFailure.class,
                        failure -> assertThat(failure.cause()).isEqualTo(ProviderFailure.Cause.RATE_LIMITED));
        assertThat(SIMULATOR.requests()).hasSize(2);

        // given: a connection that drops after some text
        SIMULATOR.reset().forgetRequests()
                .defaults(SimulatedBehaviour.normal().withAnswerTokens(10).withDisconnectAfter(4));

        // then
        assertThatThrownBy(() -> provider(kind).stream(request("hi"), new RecordingExchange())
                .blockLast(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(ProviderFailure.class, failure -> {
                    assertThat(failure.isAfterText()).isTrue();
                    assertThat(failure.fallsBack()).isFalse();
                });
        assertThat(SIMULATOR.requests()).hasSize(1);
    }

    private ChatProvider provider(Kind kind) {
        Provider settings = new Provider(kind, SIMULATOR.baseUrl(), "test-key", List.of("native-model"),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(20), 2, Duration.ofMillis(20), 50,
                100, 100, Duration.ofMinutes(1), 256);
        return ProvidersConfiguration.provider(kind.name().toLowerCase(), settings, WebClient.builder(), pool,
                ObservationRegistry.NOOP, CircuitBreakerRegistry.ofDefaults(), RetryRegistry.ofDefaults());
    }

    private static ChatRequested request(String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setModel("native-model")
                .setMessages(List.of(ChatMessages.text(ChatRole.SYSTEM, "be brief"),
                        ChatMessages.text(ChatRole.USER, question)))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-1")
                .setRequestedAt(Instant.now())
                .build();
    }
}
