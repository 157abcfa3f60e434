package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Flux;

class OpenAiChatFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChatExchange EXCHANGE = new ChatExchange("req-1", "llama3",
            Instant.ofEpochSecond(1_700_000_000), Flux.empty());

    @Test
    void shouldMapFirstChunkWithAssistantRole() {
        // when
        JsonNode json = JSON.valueToTree(OpenAiChatFormat.chunk(EXCHANGE, chunk(0, "Hel", null), true));
        // then
        assertThat(json.get("id").asText()).isEqualTo("chatcmpl-req-1");
        assertThat(json.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(json.get("created").asLong()).isEqualTo(1_700_000_000L);
        assertThat(json.get("model").asText()).isEqualTo("llama3");
        JsonNode choice = json.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("delta").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("delta").get("content").asText()).isEqualTo("Hel");
        assertThat(choice.has("finish_reason")).isTrue();
        assertThat(choice.get("finish_reason").isNull()).isTrue();
        assertThat(json.has("usage")).isFalse();
    }

    @Test
    void shouldMapLastChunkWithFinishReasonAndUsage() {
        ChatChunk last = chunk(2, "", "stop");
        last.setUsage(new TokenUsage(11, 4));

        JsonNode json = JSON.valueToTree(OpenAiChatFormat.chunk(EXCHANGE, last, false));

        JsonNode choice = json.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("delta").has("role")).isFalse();
        assertThat(choice.get("delta").has("content")).isFalse();
        assertThat(json.get("usage").get("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(json.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        assertThat(json.get("usage").get("total_tokens").asInt()).isEqualTo(15);
    }

    @Test
    void shouldAssembleCompletionFromChunks() {
        ChatChunk last = chunk(2, "!", "length");
        last.setUsage(new TokenUsage(3, 3));
        last.setModel("fallback-model");

        JsonNode json = JSON.valueToTree(OpenAiChatFormat.completion(EXCHANGE,
                List.of(chunk(0, "Hello", null), chunk(1, " world", null), last)));

        assertThat(json.get("object").asText()).isEqualTo("chat.completion");
        assertThat(json.get("model").asText()).isEqualTo("fallback-model");
        JsonNode choice = json.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Hello world!");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(json.get("usage").get("total_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void shouldTurnErrorChunkIntoUpstreamError() {
        // given
        ChatChunk failed = chunk(1, "", "error");
        failed.setError(new ReplyError("server_error", "provider_unavailable", "all providers failed"));
        // when
        ApiError error = catchThrowableOfType(() -> OpenAiChatFormat.completion(EXCHANGE,
                List.of(chunk(0, "Hel", null), failed)), ApiErrorException.class).error();
        // then
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(error.code()).isEqualTo("provider_unavailable");
        assertThat(error.message()).isEqualTo("all providers failed");
        assertThat(OpenAiChatFormat.error(failed)).contains(error);
    }

    @Test
    void shouldChooseStatusOfUpstreamErrorByCodeAndType() {
        assertThat(UpstreamErrors.forChat(new ReplyError("invalid_request_error", "model_not_found", "m")).status())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(UpstreamErrors.forChat(new ReplyError("invalid_request_error", "context_too_long", "m")).status())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(UpstreamErrors.forChat(new ReplyError("server_error", "internal_error", "m")).status())
                .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(UpstreamErrors.forKnowledge(new ReplyError("server_error", "model_failed", "m")).status())
                .isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(UpstreamErrors.forKnowledge(new ReplyError("invalid_request_error", "too_long", "m")).status())
                .isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void shouldRefuseReplyWithoutFinalChunk() {
        ApiError error = catchThrowableOfType(() -> OpenAiChatFormat.completion(EXCHANGE,
                List.of(chunk(0, "Hel", null))), ApiErrorException.class).error();

        assertThat(error.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
    }

    private static ChatChunk chunk(int seq, String delta, String finishReason) {
        return ChatChunk.newBuilder().setRequestId("req-1").setSeq(seq).setModel("llama3").setDelta(delta)
                .setFinishReason(finishReason).build();
    }
}
