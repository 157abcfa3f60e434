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
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
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

    private static final String CALLS = "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"q\\\":\\\"Paris\\\"}\"}}]";

    @Test
    void shouldReturnToolCallsInTheMessageAndAsAStreamedDeltaWithFinishReasonToolCalls() {
        // given
        ChatChunk calls = chunk(0, "", null);
        calls.setToolCallsJson(CALLS);
        ChatChunk last = chunk(1, "", FinishReason.TOOL_CALLS);
        // when
        JsonNode completion = JSON.valueToTree(OpenAiChatFormat.completion(EXCHANGE, List.of(calls, last)));
        JsonNode streamed = JSON.valueToTree(OpenAiChatFormat.chunk(EXCHANGE, calls, true));
        JsonNode finish = JSON.valueToTree(OpenAiChatFormat.chunk(EXCHANGE, last, false));
        // then
        JsonNode message = completion.get("choices").get(0).get("message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls").get(0).get("id").asText()).isEqualTo("call_1");
        assertThat(message.get("tool_calls").get(0).get("function").get("arguments").asText())
                .isEqualTo("{\"q\":\"Paris\"}");
        assertThat(completion.get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode delta = streamed.get("choices").get(0).get("delta");
        assertThat(delta.get("role").asText()).isEqualTo("assistant");
        assertThat(delta.has("content")).isFalse();
        assertThat(delta.get("tool_calls").get(0).get("index").asInt()).isZero();
        assertThat(delta.get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(finish.get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void shouldLeaveToolCallsOutOfATextAnswer() {
        JsonNode completion = JSON.valueToTree(OpenAiChatFormat.completion(EXCHANGE,
                List.of(chunk(0, "Hi", null), chunk(1, "", FinishReason.STOP))));
        assertThat(completion.get("choices").get(0).get("message").has("tool_calls")).isFalse();
        assertThat(completion.get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hi");
    }

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
    void shouldMapLastChunkWithFinishReasonAndUsageInAChunkOfItsOwn() {
        ChatChunk last = chunk(2, "", FinishReason.STOP);
        last.setUsage(new TokenUsage(11, 4));

        JsonNode finish = JSON.valueToTree(OpenAiChatFormat.chunk(EXCHANGE, last, false));
        JsonNode json = JSON.valueToTree(OpenAiChatFormat.usageChunk(EXCHANGE, last).orElseThrow());

        JsonNode choice = finish.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("delta").has("role")).isFalse();
        assertThat(choice.get("delta").has("content")).isFalse();
        assertThat(finish.has("usage")).isFalse();
        assertThat(json.get("choices")).isEmpty();
        assertThat(OpenAiChatFormat.usageChunk(EXCHANGE, chunk(1, "x", null))).isEmpty();
        assertThat(json.get("usage").get("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(json.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        assertThat(json.get("usage").get("total_tokens").asInt()).isEqualTo(15);
    }

    @Test
    void shouldAssembleCompletionFromChunks() {
        ChatChunk last = chunk(2, "!", FinishReason.LENGTH);
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
        ChatChunk failed = chunk(1, "", FinishReason.ERROR);
        failed.setError(new ReplyError(ErrorType.SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE, "all providers failed"));
        // when
        ApiError error = catchThrowableOfType(() -> OpenAiChatFormat.completion(EXCHANGE,
                List.of(chunk(0, "Hel", null), failed)), ApiErrorException.class).error();
        // then
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.code()).isEqualTo("provider_unavailable");
        assertThat(error.message()).isEqualTo("all providers failed");
        assertThat(OpenAiChatFormat.error(failed)).contains(error);
    }

    @Test
    void shouldChooseStatusOfUpstreamErrorByCodeAndType() {
        assertThat(chatStatus(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.MODEL_NOT_FOUND))
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(chatStatus(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.INVALID_REQUEST))
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(chatStatus(ErrorType.SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE))
                .isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(chatStatus(ErrorType.SERVER_ERROR, ErrorCode.TIMEOUT)).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        assertThat(chatStatus(ErrorType.SERVER_ERROR, ErrorCode.INTERNAL_ERROR))
                .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(chatStatus(ErrorType.RATE_LIMIT_ERROR, ErrorCode.PROVIDER_UNAVAILABLE))
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(knowledgeStatus(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.MODEL_NOT_FOUND))
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(knowledgeStatus(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.DIMENSION_MISMATCH))
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(knowledgeStatus(ErrorType.SERVER_ERROR, ErrorCode.INTERNAL_ERROR)).isEqualTo(HttpStatus.BAD_GATEWAY);
        // the scorer's "partition being rebuilt" (decision 0034): retryable, 503 + Retry-After
        assertThat(knowledgeStatus(ErrorType.SERVER_ERROR, ErrorCode.TIMEOUT))
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void shouldAnswerRateLimitedWhenEveryModelProviderWasRateLimited() {
        ApiError error = UpstreamErrors.forChat(
                new ReplyError(ErrorType.RATE_LIMIT_ERROR, ErrorCode.PROVIDER_UNAVAILABLE, "all rate limited"));

        assertThat(error.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(error.type()).isEqualTo("rate_limit_error");
        assertThat(error.code()).isEqualTo("rate_limit_exceeded");
        assertThat(error.message()).isEqualTo("all rate limited");
    }

    @Test
    void shouldSpellUpstreamErrorTypeAndCodeAsOpenAiDoes() {
        ApiError error = UpstreamErrors.forKnowledge(
                new ReplyError(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.DIMENSION_MISMATCH, "m"));

        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).isEqualTo("dimension_mismatch");
    }

    @Test
    void shouldRefuseReplyWithoutFinalChunk() {
        ApiError error = catchThrowableOfType(() -> OpenAiChatFormat.completion(EXCHANGE,
                List.of(chunk(0, "Hel", null))), ApiErrorException.class).error();

        assertThat(error.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
    }

    private static HttpStatus chatStatus(ErrorType type, ErrorCode code) {
        return UpstreamErrors.forChat(new ReplyError(type, code, "m")).status();
    }

    private static HttpStatus knowledgeStatus(ErrorType type, ErrorCode code) {
        return UpstreamErrors.forKnowledge(new ReplyError(type, code, "m")).status();
    }

    private static ChatChunk chunk(int seq, String delta, FinishReason finishReason) {
        return ChatChunk.newBuilder().setRequestId("req-1").setSeq(seq).setModel("llama3").setDelta(delta)
                .setFinishReason(finishReason).build();
    }
}
