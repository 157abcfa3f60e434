package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.gateway.web.OpenAiResponsesFormat.FunctionCall;
import dev.fleet.gateway.web.OpenAiResponsesFormat.OutputMessage;
import dev.fleet.gateway.web.OpenAiResponsesFormat.Response;
import dev.fleet.platform.web.ApiError;

/**
 * The Server-Sent Events of one streamed response, in OpenAI's documented order, numbered by
 * {@code sequence_number}: {@code response.created}, {@code response.in_progress}; with the first
 * text {@code response.output_item.added} (the message) and {@code response.content_part.added},
 * one {@code response.output_text.delta} per chunk with text, then {@code response.output_text.done},
 * {@code response.content_part.done}, {@code response.output_item.done}; for each tool call of the
 * model (after the message) {@code response.output_item.added} (a {@code function_call} item),
 * {@code response.function_call_arguments.delta} (all its arguments: they arrive whole),
 * {@code response.function_call_arguments.done} and {@code response.output_item.done}; finally
 * {@code response.completed} (or {@code response.incomplete} at the token limit) with usage. An
 * answer without text and without tool calls still gets its (empty) message item.
 * A failure after the stream began ends it with {@code response.failed} (status {@code failed},
 * the error, the text so far as an incomplete message, and the usage billed for it when the error
 * chunk tells it), never with {@code response.completed}.
 * Not thread-safe: one instance per stream, fed in order.
 */
final class ResponseEvents {

    /**
     * One event; {@code type} is also the SSE event name. Absent fields are left out.
     * {@code arguments} and {@code name}: of {@code response.function_call_arguments.done}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Event(String type, @JsonProperty("sequence_number") long sequenceNumber, Response response,
            @JsonProperty("output_index") Integer outputIndex, @JsonProperty("item_id") String itemId,
            @JsonProperty("content_index") Integer contentIndex, Object item,
            OpenAiResponsesFormat.OutputText part, String delta, String text, List<Object> logprobs,
            String arguments, String name) {

        Event(String type, long sequenceNumber, Response response, Integer outputIndex, String itemId,
                Integer contentIndex, Object item, OpenAiResponsesFormat.OutputText part, String delta, String text,
                List<Object> logprobs) {
            this(type, sequenceNumber, response, outputIndex, itemId, contentIndex, item, part, delta, text, logprobs,
                    null, null);
        }
    }

    private final ChatExchange exchange;
    private final ResponsesRequest.Echo echo;
    private final String itemId;
    private final StringBuilder text = new StringBuilder();
    private final List<Object> done = new ArrayList<>();
    private String model;
    private long sequence;
    private boolean ended;
    /** The output index of the open message item; -1 while none is open. */
    private int messageIndex = -1;

    ResponseEvents(ChatExchange exchange, ResponsesRequest.Echo echo) {
        this.exchange = exchange;
        this.echo = echo;
        this.itemId = OpenAiResponsesFormat.messageId(exchange.requestId());
        this.model = exchange.model();
    }

    /** The events that open the stream, before any chunk. */
    List<Event> start() {
        Response created = response("in_progress", List.of(), null, null);
        return List.of(event("response.created", created), event("response.in_progress", created));
    }

    /**
     * The events of one chunk: its text as a delta (opening the message first), its tool calls as
     * function_call items, the closing events at the last chunk; a failure for an error chunk.
     */
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
        String status = chunk.getFinishReason() == null ? "completed"
                : OpenAiResponsesFormat.status(chunk.getFinishReason());
        if (!chunk.getDelta().isEmpty()) {
            openMessage(events);
            text.append(chunk.getDelta());
            events.add(new Event("response.output_text.delta", next(), null, messageIndex, itemId, 0, null, null,
                    chunk.getDelta(), null, List.of()));
        }
        if (chunk.getToolCallsJson() != null) {
            closeMessage(events, status);
            for (FunctionCall call : OpenAiResponsesFormat.functionCalls(exchange.requestId(),
                    chunk.getToolCallsJson(), "completed")) {
                functionCall(events, call);
            }
        }
        if (chunk.getFinishReason() != null) {
            ended = true;
            if (done.isEmpty()) {
                openMessage(events);
            }
            closeMessage(events, status);
            events.add(event("response." + status, response(status, List.copyOf(done),
                    OpenAiResponsesFormat.Usage.of(chunk.getUsage()), null)));
        }
        return events;
    }

    private void openMessage(List<Event> events) {
        if (messageIndex >= 0) {
            return;
        }
        messageIndex = done.size();
        events.add(new Event("response.output_item.added", next(), null, messageIndex, null, null,
                new OutputMessage("message", itemId, "in_progress", "assistant", List.of()), null, null, null, null));
        events.add(new Event("response.content_part.added", next(), null, messageIndex, itemId, 0, null,
                OpenAiResponsesFormat.outputText(""), null, null, null));
    }

    private void closeMessage(List<Event> events, String status) {
        if (messageIndex < 0) {
            return;
        }
        String all = text.toString();
        OutputMessage message = OpenAiResponsesFormat.message(exchange, status, all);
        events.add(new Event("response.output_text.done", next(), null, messageIndex, itemId, 0, null, null, null, all,
                List.of()));
        events.add(new Event("response.content_part.done", next(), null, messageIndex, itemId, 0, null,
                OpenAiResponsesFormat.outputText(all), null, null, null));
        events.add(new Event("response.output_item.done", next(), null, messageIndex, null, null, message, null, null,
                null, null));
        done.add(message);
        messageIndex = -1;
        text.setLength(0);
    }

    private void functionCall(List<Event> events, FunctionCall call) {
        int index = done.size();
        events.add(new Event("response.output_item.added", next(), null, index, null, null,
                new FunctionCall("function_call", call.id(), call.callId(), call.name(), "", "in_progress"), null,
                null, null, null));
        events.add(new Event("response.function_call_arguments.delta", next(), null, index, call.id(), null, null,
                null, call.arguments(), null, null));
        events.add(new Event("response.function_call_arguments.done", next(), null, index, call.id(), null, null,
                null, null, null, null, call.arguments(), call.name()));
        events.add(new Event("response.output_item.done", next(), null, index, null, null, call, null, null, null,
                null));
        done.add(call);
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
        List<Object> output = new ArrayList<>(done);
        if (!text.isEmpty()) {
            output.add(OpenAiResponsesFormat.message(exchange, "incomplete", text.toString()));
        }
        return List.of(event("response.failed", response("failed", output, usage, error)));
    }

    /** When the replies ended: a failure if they ended without a last chunk. */
    List<Event> end() {
        return failed(OpenAiResponsesFormat.incompleteReply());
    }

    private Response response(String status, List<Object> output, OpenAiResponsesFormat.Usage usage,
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
