package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.gateway.web.OpenAiResponsesFormat.OutputMessage;
import dev.fleet.gateway.web.OpenAiResponsesFormat.Response;
import dev.fleet.platform.web.ApiError;

/**
 * The Server-Sent Events of one streamed response, in OpenAI's documented order, numbered by
 * {@code sequence_number}: {@code response.created}, {@code response.in_progress},
 * {@code response.output_item.added}, {@code response.content_part.added}, one
 * {@code response.output_text.delta} per chunk with text, then {@code response.output_text.done},
 * {@code response.content_part.done}, {@code response.output_item.done} and
 * {@code response.completed} (or {@code response.incomplete} at the token limit) with usage.
 * A failure after the stream began ends it with {@code response.failed} (status {@code failed},
 * the error, the text so far as an incomplete message, and the usage billed for it when the error
 * chunk tells it), never with {@code response.completed}.
 * Not thread-safe: one instance per stream, fed in order.
 */
final class ResponseEvents {

    /** One event; {@code type} is also the SSE event name. Absent fields are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Event(String type, @JsonProperty("sequence_number") long sequenceNumber, Response response,
            @JsonProperty("output_index") Integer outputIndex, @JsonProperty("item_id") String itemId,
            @JsonProperty("content_index") Integer contentIndex, OutputMessage item,
            OpenAiResponsesFormat.OutputText part, String delta, String text, List<Object> logprobs) {
    }

    private final ChatExchange exchange;
    private final ResponsesRequest.Echo echo;
    private final String itemId;
    private final StringBuilder text = new StringBuilder();
    private String model;
    private long sequence;
    private boolean ended;

    ResponseEvents(ChatExchange exchange, ResponsesRequest.Echo echo) {
        this.exchange = exchange;
        this.echo = echo;
        this.itemId = OpenAiResponsesFormat.messageId(exchange.requestId());
        this.model = exchange.model();
    }

    /** The events that open the stream, before any chunk: the response, its message item and text part. */
    List<Event> start() {
        Response created = response("in_progress", List.of(), null, null);
        return List.of(
                event("response.created", created),
                event("response.in_progress", created),
                new Event("response.output_item.added", next(), null, 0, null, null,
                        new OutputMessage("message", itemId, "in_progress", "assistant", List.of()), null, null,
                        null, null),
                new Event("response.content_part.added", next(), null, 0, itemId, 0, null,
                        OpenAiResponsesFormat.outputText(""), null, null, null));
    }

    /** The events of one chunk: its text as a delta; the closing events at the last chunk; a failure for an error chunk. */
    List<Event> on(ChatChunk chunk) {
        if (ended) {
            return List.of();
        }
        Optional<ApiError> error = OpenAiChatFormat.error(chunk);
        if (error.isPresent()) {
            return failed(error.get(), OpenAiResponsesFormat.Usage.of(chunk.getUsage()));
        }
        model = OpenAiChatFormat.modelOf(exchange, chunk);
        List<Event> events = new ArrayList<>();
        if (!chunk.getDelta().isEmpty()) {
            text.append(chunk.getDelta());
            events.add(new Event("response.output_text.delta", next(), null, 0, itemId, 0, null, null,
                    chunk.getDelta(), null, List.of()));
        }
        if (chunk.getFinishReason() != null) {
            ended = true;
            String status = OpenAiResponsesFormat.status(chunk.getFinishReason());
            String all = text.toString();
            OutputMessage message = OpenAiResponsesFormat.message(exchange, status, all);
            events.add(new Event("response.output_text.done", next(), null, 0, itemId, 0, null, null, null, all,
                    List.of()));
            events.add(new Event("response.content_part.done", next(), null, 0, itemId, 0, null,
                    OpenAiResponsesFormat.outputText(all), null, null, null));
            events.add(new Event("response.output_item.done", next(), null, 0, null, null, message, null, null,
                    null, null));
            events.add(event("response." + status, response(status, List.of(message),
                    OpenAiResponsesFormat.Usage.of(chunk.getUsage()), null)));
        }
        return events;
    }

    /** {@code response.failed} with {@code error}; nothing once the stream has ended. */
    List<Event> failed(ApiError error) {
        return failed(error, null);
    }

    /** With {@code usage}: what an error chunk says was billed for the text before the failure. */
    private List<Event> failed(ApiError error, OpenAiResponsesFormat.Usage usage) {
        if (ended) {
            return List.of();
        }
        ended = true;
        List<OutputMessage> output = text.isEmpty() ? List.of()
                : List.of(OpenAiResponsesFormat.message(exchange, "incomplete", text.toString()));
        return List.of(event("response.failed", response("failed", output, usage, error)));
    }

    /** When the replies ended: a failure if they ended without a last chunk. */
    List<Event> end() {
        return failed(OpenAiResponsesFormat.incompleteReply());
    }

    private Response response(String status, List<OutputMessage> output, OpenAiResponsesFormat.Usage usage,
            ApiError error) {
        return OpenAiResponsesFormat.response(exchange, echo, model, status, output, usage, error);
    }

    private Event event(String type, Response response) {
        return new Event(type, next(), response, null, null, null, null, null, null, null, null);
    }

    private long next() {
        return sequence++;
    }
}
