package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.gateway.domain.ChatCommand;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.platform.web.ApiErrorException;

class ChatCompletionRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelCatalog CATALOG = new ModelCatalog("all-minilm-l6-v2", List.of("llama3"));

    @Test
    void shouldAcceptOpenAiRequestAndIgnoreUnusedFields() throws Exception {
        // given
        String body = """
                {"model":"llama3","stream":true,"temperature":0.5,"max_tokens":64,"top_p":0.9,"user":"u-1",
                 "metadata":{"conversation_id":"c-1","collection":"docs","priority":3,"flag":true,"none":null},
                 "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}
                """;
        // when
        ChatCommand command = read(body).toCommand(CATALOG);
        // then
        assertThat(command.model()).isEqualTo("llama3");
        assertThat(command.stream()).isTrue();
        assertThat(command.temperature()).isEqualTo(0.5);
        assertThat(command.maxTokens()).isEqualTo(64);
        assertThat(command.messages()).containsExactly(ChatMessages.text(ChatRole.SYSTEM, "be brief"),
                ChatMessages.text(ChatRole.USER, "hi"));
        assertThat(command.metadata()).containsEntry("conversation_id", "c-1").containsEntry("priority", "3")
                .containsEntry("flag", "true").containsEntry("user", "u-1").doesNotContainKey("none");
    }

    @Test
    void shouldDefaultToNonStreaming() throws Exception {
        ChatCommand command = read("""
                {"model":"extractive","messages":[{"role":"user","content":"hi"}]}""").toCommand(CATALOG);

        assertThat(command.stream()).isFalse();
        assertThat(command.metadata()).isEmpty();
    }

    @Test
    void shouldRejectMissingModel() throws Exception {
        assertInvalid("""
                {"messages":[{"role":"user","content":"hi"}]}""", "model");
    }

    @Test
    void shouldRejectEmptyMessages() throws Exception {
        assertInvalid("""
                {"model":"extractive","messages":[]}""", "messages");
    }

    @Test
    void shouldRejectUnknownRole() throws Exception {
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role");
    }

    @Test
    void shouldRejectNonStringContent() throws Exception {
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"user","content":"a"},
                 {"role":"user","content":[{"type":"text","text":"hi"}]}]}""", "messages[1].content");
    }

    @Test
    void shouldRejectNestedMetadataValues() throws Exception {
        assertInvalid("""
                {"model":"extractive","metadata":{"a":{"b":1}},"messages":[{"role":"user","content":"hi"}]}""",
                "metadata.a");
    }

    @Test
    void shouldRejectTemperatureOutOfRange() throws Exception {
        assertInvalid("""
                {"model":"extractive","temperature":3,"messages":[{"role":"user","content":"hi"}]}""",
                "temperature");
    }

    @Test
    void shouldAnswerModelNotFoundForUnknownOrEmbeddingModel() throws Exception {
        for (String model : List.of("gpt-9", "all-minilm-l6-v2")) {
            ApiError error = rejection("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(error.status()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(error.code()).isEqualTo("model_not_found");
        }
    }

    private static void assertInvalid(String body, String param) throws Exception {
        ApiError error = rejection(body);
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo(param);
    }

    private static ApiError rejection(String body) throws Exception {
        ChatCompletionRequest request = read(body);
        return catchThrowableOfType(() -> request.toCommand(CATALOG), ApiErrorException.class).error();
    }

    private static ChatCompletionRequest read(String body) throws Exception {
        return JSON.readValue(body, ChatCompletionRequest.class);
    }
}
