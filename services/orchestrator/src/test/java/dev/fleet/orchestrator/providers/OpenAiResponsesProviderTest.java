package dev.fleet.orchestrator.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.ProviderFailure;
import dev.fleet.schemas.ChatMessages;

/** The Responses API provider's request body and its reading of the stream's events. */
class OpenAiResponsesProviderTest {

    @Test
    void sendsTheMessagesAsInputItemsWithTheOptionsTheApiHas() {
        ChatRequested request = ChatRequested.newBuilder()
                .setRequestId("r-1").setTenantId("t-1").setConversationId("c-1").setModel("gpt-test")
                .setMessages(List.of(ChatMessages.text(ChatRole.SYSTEM, "be brief"),
                        ChatMessages.text(ChatRole.USER, "hi"), ChatMessages.text(ChatRole.ASSISTANT, "hello"),
                        ChatMessages.text(ChatRole.USER, "again")))
                .setTemperature(0.2).setMaxTokens(64)
                .setOptions(ChatOptions.newBuilder().setTopP(0.9).setUser("u-42").build())
                .setStream(true).setMetadata(Map.of()).setReplyTo("gateway-1").setRequestedAt(Instant.now())
                .build();

        Map<String, Object> body = OpenAiResponsesProvider.body(request);

        assertThat(body).containsEntry("model", "gpt-test").containsEntry("temperature", 0.2)
                .containsEntry("max_output_tokens", 64).containsEntry("top_p", 0.9).containsEntry("user", "u-42")
                .containsEntry("store", false).containsEntry("stream", true);
        assertThat(body.get("input")).isEqualTo(List.of(Map.of("role", "system", "content", "be brief"),
                Map.of("role", "user", "content", "hi"), Map.of("role", "assistant", "content", "hello"),
                Map.of("role", "user", "content", "again")));
    }

    @Test
    void readsTextDeltasAndTheUsageOfTheCompletedResponse() {
        assertThat(OpenAiResponsesProvider.chunks("p", """
                {"type":"response.output_text.delta","delta":"Hel","output_index":0}""")).extracting(ProviderChunk::text)
                .containsExactly("Hel");
        assertThat(OpenAiResponsesProvider.chunks("p", """
                {"type":"response.created","response":{"status":"in_progress"}}""")).isEmpty();
        List<ProviderChunk> completed = OpenAiResponsesProvider.chunks("p", """
                {"type":"response.completed","response":{"usage":{"input_tokens":12,"output_tokens":3}}}""");
        assertThat(completed).hasSize(1);
        assertThat(completed.get(0).usage().getPromptTokens()).isEqualTo(12);
        assertThat(completed.get(0).usage().getCompletionTokens()).isEqualTo(3);
    }

    @Test
    void failsTheAttemptOnAFailedResponseOrAnErrorEventNamingTheCodeNotTheMessage() {
        assertThatThrownBy(() -> OpenAiResponsesProvider.chunks("p", """
                {"type":"response.failed","response":{"error":{"code":"server_error","message":"secret prompt"}}}"""))
                .isInstanceOfSatisfying(ProviderFailure.class, failure -> {
                    assertThat(failure.cause()).isEqualTo(ProviderFailure.Cause.SERVER_ERROR);
                    assertThat(failure.getMessage()).contains("server_error").doesNotContain("secret prompt");
                });
        assertThatThrownBy(() -> OpenAiResponsesProvider.chunks("p", """
                {"type":"error","code":"rate_limit_exceeded","message":"slow down"}"""))
                .isInstanceOfSatisfying(ProviderFailure.class,
                        failure -> assertThat(failure.getMessage()).contains("rate_limit_exceeded"));
        assertThatThrownBy(() -> OpenAiResponsesProvider.chunks("p", """
                {"type":"response.incomplete","response":{"incomplete_details":{"reason":"max_output_tokens"}}}"""))
                .isInstanceOfSatisfying(ProviderFailure.class,
                        failure -> assertThat(failure.getMessage()).contains("max_output_tokens"));
    }

    @Test
    void sendsToolsToolCallsAndToolResultsInTheResponsesShapes() {
        String calls = "[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{}\"}}]";
        ChatRequested request = ChatRequested.newBuilder()
                .setRequestId("r-1").setTenantId("t-1").setConversationId("c-1").setModel("gpt-test")
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, "weather?"),
                        ChatMessage.newBuilder(ChatMessages.text(ChatRole.ASSISTANT, "")).setToolCallsJson(calls).build(),
                        ChatMessage.newBuilder(ChatMessages.text(ChatRole.TOOL, "-3 C")).setToolCallId("c1").build()))
                .setOptions(ChatOptions.newBuilder()
                        .setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                                + "\"parameters\":{\"type\":\"object\"}}}]")
                        .setToolChoiceJson("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}")
                        .setResponseFormatJson("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\","
                                + "\"schema\":{\"type\":\"object\"}}}")
                        .build())
                .setStream(true).setMetadata(Map.of()).setReplyTo("gateway-1").setRequestedAt(Instant.now())
                .build();

        Map<String, Object> body = OpenAiResponsesProvider.body(request);

        assertThat(body.get("input")).isEqualTo(List.of(Map.of("role", "user", "content", "weather?"),
                Map.of("type", "function_call", "call_id", "c1", "name", "get_weather", "arguments", "{}"),
                Map.of("type", "function_call_output", "call_id", "c1", "output", "-3 C")));
        assertThat(body.get("tools")).isEqualTo(List.of(Map.of("type", "function", "name", "get_weather",
                "parameters", Map.of("type", "object"))));
        assertThat(body.get("tool_choice")).isEqualTo(Map.of("type", "function", "name", "get_weather"));
        assertThat(body.get("text")).isEqualTo(Map.of("format", Map.of("type", "json_schema", "name", "w",
                "schema", Map.of("type", "object"))));
    }

    @Test
    void readsTheFunctionCallsOfTheCompletedResponseAsOneToolCallsChunk() {
        List<ProviderChunk> completed = OpenAiResponsesProvider.chunks("p", """
                {"type":"response.completed","response":{"output":[
                  {"type":"function_call","id":"fc_1","call_id":"c1","name":"get_weather","arguments":"{}"}],
                 "usage":{"input_tokens":12,"output_tokens":3}}}""");

        assertThat(completed).hasSize(2);
        assertThat(completed.get(0).toolCallsJson()).isEqualTo("[{\"index\":0,\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]");
        assertThat(completed.get(1).usage().getPromptTokens()).isEqualTo(12);
    }
}
