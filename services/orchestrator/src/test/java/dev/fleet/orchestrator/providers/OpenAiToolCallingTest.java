package dev.fleet.orchestrator.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Kind;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Provider;
import dev.fleet.orchestrator.config.ProvidersConfiguration;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.RecordingExchange;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.test.OpenAiSimulator;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import reactor.netty.resources.ConnectionProvider;

/**
 * The OpenAI-compatible provider with tools, against the simulator: the client's tools,
 * tool_choice and response_format reach the model, the model's (streamed) tool call comes back as
 * one tool-calls chunk, and a follow-up carries the assistant's tool calls and the tool result.
 */
class OpenAiToolCallingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOOLS = """
            [{"type":"function","function":{"name":"get_weather","description":"The weather in a city",
              "parameters":{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]},
              "strict":true}}]""";
    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start();
    private static ConnectionProvider pool;

    @BeforeAll
    static void createPool() {
        pool = ConnectionProvider.create("tool-calling-test", 10);
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

    @Test
    void sendsTheToolsAndReturnsTheModelsToolCall() throws Exception {
        // given
        ChatOptions options = ChatOptions.newBuilder().setToolsJson(TOOLS).setToolChoiceJson("\"required\"")
                .setParallelToolCalls(false)
                .setResponseFormatJson("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\","
                        + "\"schema\":{\"type\":\"object\"},\"strict\":true}}")
                .build();

        // when
        List<ProviderChunk> chunks = provider().stream(request(options,
                List.of(ChatMessages.text(ChatRole.USER, "Weather in Paris?"))), new RecordingExchange())
                .collectList().block(Duration.ofSeconds(20));

        // then the tool call comes back whole, in OpenAI's tool_calls shape
        List<String> calls = chunks.stream().map(ProviderChunk::toolCallsJson).filter(c -> c != null).toList();
        assertThat(calls).hasSize(1);
        JsonNode call = JSON.readTree(calls.get(0)).get(0);
        assertThat(call.path("id").asText()).isEqualTo(OpenAiSimulator.TOOL_CALL_ID);
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("function").path("arguments").asText()).path("query").asText())
                .isEqualTo("Weather in Paris?");
        assertThat(chunks.stream().map(ProviderChunk::text).reduce("", String::concat)).isEmpty();
        // and the model was sent the client's tools, tool_choice and response_format
        JsonNode sent = SIMULATOR.requests().get(0);
        assertThat(sent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tools").get(0).path("function").path("parameters").path("required").get(0).asText())
                .isEqualTo("query");
        assertThat(sent.path("tool_choice").asText()).isEqualTo("required");
        assertThat(sent.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_schema");
        assertThat(sent.path("response_format").path("json_schema").path("name").asText()).isEqualTo("weather");
    }

    @Test
    void sendsTheAssistantsToolCallsAndTheToolResultInAFollowUp() {
        // given a conversation in which the model called a tool and the client ran it
        String toolCalls = "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"query\\\":\\\"Paris\\\"}\"}}]";
        List<ChatMessage> messages = List.of(ChatMessages.text(ChatRole.USER, "Weather in Paris?"),
                ChatMessage.newBuilder(ChatMessages.text(ChatRole.ASSISTANT, "")).setToolCallsJson(toolCalls).build(),
                ChatMessage.newBuilder(ChatMessages.text(ChatRole.TOOL, "22 degrees")).setToolCallId("call_1").build());

        // when
        String text = provider().stream(request(ChatOptions.newBuilder().setToolsJson(TOOLS).build(), messages),
                new RecordingExchange()).map(ProviderChunk::text).reduce("", String::concat)
                .block(Duration.ofSeconds(20));

        // then
        assertThat(text).isEqualTo(OpenAiSimulator.answerToToolResult("22 degrees"));
        JsonNode sent = SIMULATOR.requests().get(0).path("messages");
        assertThat(sent.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(sent.get(1).path("tool_calls").get(0).path("id").asText()).isEqualTo("call_1");
        assertThat(sent.get(1).path("tool_calls").get(0).path("function").path("name").asText())
                .isEqualTo("get_weather");
        assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.get(2).path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(sent.get(2).path("content").asText()).isEqualTo("22 degrees");
    }

    private ChatProvider provider() {
        Provider settings = new Provider(Kind.OPENAI, SIMULATOR.baseUrl(), "test-key", List.of("tool-model"),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(20), 2, Duration.ofMillis(20), 50,
                100, 100, Duration.ofMinutes(1), 256);
        return ProvidersConfiguration.provider("openai", settings, WebClient.builder(), pool,
                ObservationRegistry.NOOP, CircuitBreakerRegistry.ofDefaults(), RetryRegistry.ofDefaults());
    }

    private static ChatRequested request(ChatOptions options, List<ChatMessage> messages) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setModel("tool-model")
                .setMessages(messages)
                .setStream(true)
                .setMetadata(Map.of())
                .setOptions(options)
                .setReplyTo("gateway-1")
                .setRequestedAt(Instant.now())
                .build();
    }
}
