package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Flux;

class OpenAiResponsesFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChatExchange EXCHANGE = new ChatExchange("req-1", "llama3",
            Instant.ofEpochSecond(1_700_000_000), Flux.empty());
    private static final ResponsesRequest.Echo ECHO = new ResponsesRequest.Echo("be brief", Map.of("k", "v"), 0.5,
            null, 64, "u-1");

    private static final String CALLS = "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"q\\\":\\\"Paris\\\"}\"}}]";

    @Test
    void shouldReturnToolCallsAsFunctionCallItemsAfterTheText() {
        // given
        ChatChunk calls = chunk(1, "", null);
        calls.setToolCallsJson(CALLS);
        // when
        JsonNode json = JSON.valueToTree(OpenAiResponsesFormat.response(EXCHANGE, ECHO,
                List.of(chunk(0, "Let me look.", null), calls, chunk(2, "", FinishReason.TOOL_CALLS))));
        // then
        assertThat(json.get("status").asText()).isEqualTo("completed");
        JsonNode output = json.get("output");
        assertThat(output).hasSize(2);
        assertThat(output.get(0).get("type").asText()).isEqualTo("message");
        assertThat(output.get(1).get("type").asText()).isEqualTo("function_call");
        assertThat(output.get(1).get("id").asText()).isEqualTo("fc_req-1_0");
        assertThat(output.get(1).get("call_id").asText()).isEqualTo("call_1");
        assertThat(output.get(1).get("name").asText()).isEqualTo("get_weather");
        assertThat(output.get(1).get("arguments").asText()).isEqualTo("{\"q\":\"Paris\"}");
        assertThat(output.get(1).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void shouldStreamTextThenFunctionCallEvents() {
        // given
        ResponseEvents stream = new ResponseEvents(EXCHANGE, ECHO);
        ChatChunk calls = chunk(1, "", null);
        calls.setToolCallsJson(CALLS);
        List<JsonNode> events = new ArrayList<>();
        // when
        stream.start().forEach(e -> events.add(JSON.valueToTree(e)));
        for (ChatChunk chunk : List.of(chunk(0, "Let me look.", null), calls, chunk(2, "", FinishReason.TOOL_CALLS))) {
            stream.on(chunk).forEach(e -> events.add(JSON.valueToTree(e)));
        }
        // then
        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("response.created",
                "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(events.get(8).get("output_index").asInt()).isEqualTo(1);
        assertThat(events.get(8).get("item").get("status").asText()).isEqualTo("in_progress");
        assertThat(events.get(9).get("item_id").asText()).isEqualTo("fc_req-1_0");
        assertThat(events.get(10).get("name").asText()).isEqualTo("get_weather");
        assertThat(events.get(10).get("arguments").asText()).isEqualTo("{\"q\":\"Paris\"}");
        assertThat(events.get(12).get("response").get("output")).hasSize(2);
    }

    @Test
    void shouldRenderStoredToolCallsAndToolResultsAsItems() {
        // given
        StoredResponse stored = StoredResponse.newBuilder().setResponseId("resp_req-1").setRequestId("req-1")
                .setModel("llama3").setStatus("completed").setCreatedAt(Instant.ofEpochSecond(1_700_000_000))
                .setInput(List.of(
                        ChatMessage.newBuilder().setRole(ChatRole.ASSISTANT).setContent("").setToolCallsJson(CALLS)
                                .build(),
                        ChatMessage.newBuilder().setRole(ChatRole.TOOL).setContent("22 C").setToolCallId("call_1")
                                .build()))
                .setOutputText("").setOutputToolCallsJson(CALLS)
                .setToolsJson("[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":null,\"strict\":null}]")
                .setTextFormatJson("{\"type\":\"json_object\"}")
                .build();
        // when
        JsonNode response = JSON.valueToTree(OpenAiResponsesFormat.stored(stored));
        JsonNode items = JSON.valueToTree(OpenAiResponsesFormat.inputItems(stored, true, null, 20)).get("data");
        // then
        assertThat(response.get("output")).singleElement().satisfies(item -> assertThat(item.get("type").asText())
                .isEqualTo("function_call"));
        assertThat(response.get("tools").get(0).get("name").asText()).isEqualTo("get_weather");
        assertThat(response.get("text").get("format").get("type").asText()).isEqualTo("json_object");
        assertThat(items).extracting(item -> item.get("type").asText()).containsExactly("function_call",
                "function_call_output");
        assertThat(items.get(1).get("call_id").asText()).isEqualTo("call_1");
        assertThat(items.get(1).get("output").asText()).isEqualTo("22 C");
    }

    @Test
    void shouldAssembleTheResponseObjectFromChunks() {
        // given
        ChatChunk last = chunk(2, "", FinishReason.STOP);
        last.setUsage(new TokenUsage(11, 4));
        last.setModel("fallback-model");
        // when
        JsonNode json = JSON.valueToTree(OpenAiResponsesFormat.response(EXCHANGE, ECHO,
                List.of(chunk(0, "Hello", null), chunk(1, " world", null), last)));
        // then
        assertThat(json.get("id").asText()).isEqualTo("resp_req-1");
        assertThat(json.get("object").asText()).isEqualTo("response");
        assertThat(json.get("created_at").asLong()).isEqualTo(1_700_000_000L);
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("model").asText()).isEqualTo("fallback-model");
        JsonNode message = json.get("output").get(0);
        assertThat(message.get("type").asText()).isEqualTo("message");
        assertThat(message.get("id").asText()).isEqualTo("msg_req-1");
        assertThat(message.get("status").asText()).isEqualTo("completed");
        assertThat(message.get("role").asText()).isEqualTo("assistant");
        assertThat(message.get("content").get(0).get("type").asText()).isEqualTo("output_text");
        assertThat(message.get("content").get(0).get("text").asText()).isEqualTo("Hello world");
        assertThat(message.get("content").get(0).get("annotations")).isEmpty();
        JsonNode usage = json.get("usage");
        assertThat(usage.get("input_tokens").asInt()).isEqualTo(11);
        assertThat(usage.get("output_tokens").asInt()).isEqualTo(4);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(15);
        assertThat(usage.get("input_tokens_details").get("cached_tokens").asInt()).isZero();
        assertThat(usage.get("output_tokens_details").get("reasoning_tokens").asInt()).isZero();
        // the fields the SDKs require, nullable ones present as null
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(json.get("incomplete_details").isNull()).isTrue();
        assertThat(json.get("top_p").isNull()).isTrue();
        assertThat(json.get("instructions").asText()).isEqualTo("be brief");
        assertThat(json.get("metadata").get("k").asText()).isEqualTo("v");
        assertThat(json.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(json.get("max_output_tokens").asInt()).isEqualTo(64);
        assertThat(json.get("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(json.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(json.get("tools")).isEmpty();
        assertThat(json.get("store").asBoolean()).isFalse();
        assertThat(json.get("user").asText()).isEqualTo("u-1");
    }

    @Test
    void shouldReportAReplyCutAtTheTokenLimitAsIncomplete() {
        JsonNode json = JSON.valueToTree(OpenAiResponsesFormat.response(EXCHANGE, ECHO,
                List.of(chunk(0, "Hel", FinishReason.LENGTH))));

        assertThat(json.get("status").asText()).isEqualTo("incomplete");
        assertThat(json.get("incomplete_details").get("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(json.get("output").get(0).get("status").asText()).isEqualTo("incomplete");
        assertThat(json.get("usage").isNull()).isTrue();
    }

    @Test
    void shouldFailAWholeResponseLikeAChatCompletion() {
        ApiErrorException error = catchThrowableOfType(() -> OpenAiResponsesFormat.response(EXCHANGE, ECHO,
                List.of(failed(0))), ApiErrorException.class);
        ApiErrorException incomplete = catchThrowableOfType(() -> OpenAiResponsesFormat.response(EXCHANGE, ECHO,
                List.of(chunk(0, "Hel", null))), ApiErrorException.class);

        assertThat(error.error().status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(error.error().code()).isEqualTo("provider_unavailable");
        assertThat(incomplete.error().status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(incomplete.error().code()).isEqualTo("incomplete_reply");
    }

    @Test
    void shouldStreamTheDocumentedEventSequenceWithSequenceNumbers() {
        // given
        ResponseEvents stream = new ResponseEvents(EXCHANGE, ECHO);
        ChatChunk last = chunk(2, "", FinishReason.STOP);
        last.setUsage(new TokenUsage(11, 2));
        // when
        List<JsonNode> events = new ArrayList<>();
        stream.start().forEach(e -> events.add(JSON.valueToTree(e)));
        for (ChatChunk chunk : List.of(chunk(0, "Hello", null), chunk(1, " world", null), last)) {
            stream.on(chunk).forEach(e -> events.add(JSON.valueToTree(e)));
        }
        stream.end().forEach(e -> events.add(JSON.valueToTree(e)));
        // then
        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("response.created",
                "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(events).extracting(e -> e.get("sequence_number").asLong())
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(events.get(0).get("response").get("status").asText()).isEqualTo("in_progress");
        assertThat(events.get(0).get("response").get("output")).isEmpty();
        assertThat(events.get(2).get("item").get("id").asText()).isEqualTo("msg_req-1");
        assertThat(events.get(4).get("delta").asText()).isEqualTo("Hello");
        assertThat(events.get(4).get("item_id").asText()).isEqualTo("msg_req-1");
        assertThat(events.get(4).get("output_index").asInt()).isZero();
        assertThat(events.get(4).get("content_index").asInt()).isZero();
        assertThat(events.get(6).get("text").asText()).isEqualTo("Hello world");
        assertThat(events.get(7).get("part").get("text").asText()).isEqualTo("Hello world");
        assertThat(events.get(8).get("item").get("status").asText()).isEqualTo("completed");
        JsonNode completed = events.get(9).get("response");
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.get("output").get(0).get("content").get(0).get("text").asText())
                .isEqualTo("Hello world");
        assertThat(completed.get("usage").get("total_tokens").asInt()).isEqualTo(13);
    }

    @Test
    void shouldEndAStreamThatFailsAfterTextWithResponseFailedAndNothingAfter() {
        ResponseEvents stream = new ResponseEvents(EXCHANGE, ECHO);
        stream.start();
        stream.on(chunk(0, "Hel", null));

        ChatChunk error = failed(1);
        error.setUsage(new TokenUsage(11, 1));
        List<ResponseEvents.Event> failure = stream.on(error);
        List<ResponseEvents.Event> after = new ArrayList<>(stream.on(chunk(2, "lo", FinishReason.STOP)));
        after.addAll(stream.end());

        assertThat(failure).singleElement().satisfies(event -> {
            JsonNode json = JSON.valueToTree(event);
            assertThat(json.get("type").asText()).isEqualTo("response.failed");
            assertThat(json.get("sequence_number").asLong()).isEqualTo(5L);
            assertThat(json.get("response").get("status").asText()).isEqualTo("failed");
            assertThat(json.get("response").get("error").get("code").asText()).isEqualTo("server_error");
            assertThat(json.get("response").get("error").get("message").asText())
                    .isEqualTo("all providers failed [provider_unavailable]");
            assertThat(json.get("response").get("output").get(0).get("content").get(0).get("text").asText())
                    .isEqualTo("Hel");
            assertThat(json.get("response").get("usage").get("output_tokens").asInt()).isEqualTo(1);
        });
        assertThat(after).isEmpty();
    }

    @Test
    void shouldFailAStreamWhoseRepliesEndWithoutALastChunk() {
        ResponseEvents stream = new ResponseEvents(EXCHANGE, ECHO);
        stream.start();
        stream.on(chunk(0, "Hel", null));

        assertThat(stream.end()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("response.failed");
            assertThat(event.response().error().code()).isEqualTo("server_error");
            assertThat(event.response().error().message()).endsWith("[incomplete_reply]");
        });
    }

    private static ChatChunk failed(int seq) {
        ChatChunk failed = chunk(seq, "", FinishReason.ERROR);
        failed.setError(new ReplyError(ErrorType.SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE, "all providers failed"));
        return failed;
    }

    private static ChatChunk chunk(int seq, String delta, FinishReason finishReason) {
        return ChatChunk.newBuilder().setRequestId("req-1").setSeq(seq).setModel("llama3").setDelta(delta)
                .setFinishReason(finishReason).build();
    }
}
