package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.gateway.domain.ChatCompletions;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

/**
 * Maps the orchestrator's {@link ChatChunk}s to OpenAI's Responses JSON: the {@code response}
 * object (every field the official SDKs require, nullable ones as explicit nulls) with one
 * assistant {@code message} item of one {@code output_text} part. Ids derive from the request id
 * ({@code resp_…}, {@code msg_…}), so a response can be traced to its {@code ChatRequested}.
 * A reply cut at the token limit is {@code incomplete} ({@code max_output_tokens}), as OpenAI
 * reports it. A stored response (decision 0029) is rendered from what the orchestrator kept
 * ({@link #stored}, {@link #inputItems}). The streamed events are built by {@link ResponseEvents}.
 */
public final class OpenAiResponsesFormat {

    private OpenAiResponsesFormat() {
    }

    /** {@code response}; {@code Include.ALWAYS} because the SDKs require nullable fields to be present. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Response(String id, String object, @JsonProperty("created_at") long createdAt, String status,
            String model, List<OutputMessage> output, Usage usage, ResponseError error,
            @JsonProperty("incomplete_details") IncompleteDetails incompleteDetails, String instructions,
            Map<String, String> metadata, Double temperature, @JsonProperty("top_p") Double topP,
            @JsonProperty("max_output_tokens") Integer maxOutputTokens,
            @JsonProperty("parallel_tool_calls") boolean parallelToolCalls,
            @JsonProperty("tool_choice") String toolChoice, List<Object> tools, boolean store, String user,
            @JsonProperty("previous_response_id") String previousResponseId, Text text, String truncation,
            boolean background) {
    }

    /** An assistant {@code message} output item. */
    public record OutputMessage(String type, String id, String status, String role, List<OutputText> content) {
    }

    /** An {@code output_text} content part; the fleet returns no annotations. */
    public record OutputText(String type, String text, List<Object> annotations) {
    }

    public record Usage(@JsonProperty("input_tokens") int inputTokens,
            @JsonProperty("input_tokens_details") InputTokensDetails inputTokensDetails,
            @JsonProperty("output_tokens") int outputTokens,
            @JsonProperty("output_tokens_details") OutputTokensDetails outputTokensDetails,
            @JsonProperty("total_tokens") int totalTokens) {

        /** Null when the reply carried no usage. Cached and reasoning tokens are not reported by the fleet: 0. */
        static Usage of(TokenUsage usage) {
            return usage == null ? null : new Usage(usage.getPromptTokens(), new InputTokensDetails(0),
                    usage.getCompletionTokens(), new OutputTokensDetails(0),
                    usage.getPromptTokens() + usage.getCompletionTokens());
        }
    }

    public record InputTokensDetails(@JsonProperty("cached_tokens") int cachedTokens) {
    }

    public record OutputTokensDetails(@JsonProperty("reasoning_tokens") int reasoningTokens) {
    }

    /**
     * A failed response's error. {@code code} is one of the codes OpenAI documents for responses
     * (SDKs that validate reject others): {@code rate_limit_exceeded} for a 429,
     * {@code invalid_prompt} for a request the fleet refused, else {@code server_error}; the fleet's
     * own code (e.g. {@code provider_unavailable}) ends the message in brackets.
     */
    public record ResponseError(String code, String message) {

        static ResponseError of(ApiError error) {
            String code = switch (error.status()) {
                case TOO_MANY_REQUESTS -> "rate_limit_exceeded";
                case BAD_REQUEST, NOT_FOUND -> "invalid_prompt";
                default -> "server_error";
            };
            String fleetCode = error.code() != null ? error.code() : error.type();
            return new ResponseError(code, fleetCode == null || fleetCode.equals(code) ? error.message()
                    : error.message() + " [" + fleetCode + "]");
        }
    }

    public record IncompleteDetails(String reason) {
    }

    public record Text(Format format) {
    }

    public record Format(String type) {
    }

    /** The response id of a request. */
    public static String responseId(String requestId) {
        return ChatCompletions.responseId(requestId);
    }

    /** The id of the (one) message item of a request's response. */
    public static String messageId(String requestId) {
        return "msg_" + requestId;
    }

    /**
     * The whole response from all chunks of a request, in order.
     *
     * @throws ApiErrorException with the upstream error when a chunk is an error (the same status as
     *                           for a chat completion), or 502 when the reply is incomplete
     */
    public static Response response(ChatExchange exchange, ResponsesRequest.Echo echo, List<ChatChunk> chunks) {
        StringBuilder text = new StringBuilder();
        ChatChunk last = null;
        for (ChatChunk chunk : chunks) {
            Optional<ApiError> error = OpenAiChatFormat.error(chunk);
            if (error.isPresent()) {
                throw new ApiErrorException(error.get());
            }
            text.append(chunk.getDelta());
            last = chunk;
        }
        if (last == null || last.getFinishReason() == null) {
            throw new ApiErrorException(incompleteReply());
        }
        String status = status(last.getFinishReason());
        return response(exchange, echo, OpenAiChatFormat.modelOf(exchange, last), status,
                List.of(message(exchange, status, text.toString())), Usage.of(last.getUsage()), null);
    }

    /** A response as it stands: {@code status} {@code in_progress}, {@code completed}, {@code incomplete} or {@code failed}. */
    static Response response(ChatExchange exchange, ResponsesRequest.Echo echo, String model, String status,
            List<OutputMessage> output, Usage usage, ApiError error) {
        return new Response(responseId(exchange.requestId()), "response", exchange.acceptedAt().getEpochSecond(),
                status, model, output, usage, error == null ? null : ResponseError.of(error),
                "incomplete".equals(status) ? new IncompleteDetails("max_output_tokens") : null,
                echo.instructions(), echo.metadata(), echo.temperature(), echo.topP(), echo.maxOutputTokens(),
                true, "auto", List.of(), echo.store(), echo.user(), echo.previousResponseId(),
                new Text(new Format("text")), "disabled", false);
    }

    /**
     * A stored response as the orchestrator kept it: one assistant message with its text (none for a
     * failed response that delivered no text), and the error of a failed one.
     */
    public static Response stored(StoredResponse stored) {
        String status = stored.getStatus();
        List<OutputMessage> output = "failed".equals(status) && stored.getOutputText().isEmpty() ? List.of()
                : List.of(new OutputMessage("message", messageId(stored.getRequestId()),
                        "failed".equals(status) ? "incomplete" : status, "assistant",
                        List.of(outputText(stored.getOutputText()))));
        ResponseError error = stored.getError() == null ? null
                : ResponseError.of(UpstreamErrors.forChat(stored.getError()));
        return new Response(stored.getResponseId(), "response", stored.getCreatedAt().getEpochSecond(), status,
                stored.getModel(), output, Usage.of(stored.getUsage()), error,
                "incomplete".equals(status) ? new IncompleteDetails("max_output_tokens") : null,
                stored.getInstructions(), stored.getMetadata(), stored.getTemperature(), stored.getTopP(),
                stored.getMaxOutputTokens(), true, "auto", List.of(), true, stored.getUser(),
                stored.getPreviousResponseId(), new Text(new Format("text")), "disabled", false);
    }

    /** {@code GET /v1/responses/{id}/input_items}: a page of the stored input items. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record InputItems(String object, List<InputItem> data, @JsonProperty("first_id") String firstId,
            @JsonProperty("last_id") String lastId, @JsonProperty("has_more") boolean hasMore) {
    }

    /** A stored input message: {@code input_text} parts for the client's roles, {@code output_text} for an assistant's. */
    public record InputItem(String type, String id, String status, String role, List<ItemContent> content) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemContent(String type, String text, List<Object> annotations) {
    }

    /**
     * The input items of a stored response, in {@code order} ({@code asc} oldest first, {@code desc}
     * newest first, OpenAI's default), after the item {@code after} (none: from the start), at most {@code limit}.
     */
    public static InputItems inputItems(StoredResponse stored, boolean ascending, String after, int limit) {
        List<InputItem> items = new ArrayList<>();
        List<ChatMessage> input = stored.getInput();
        for (int i = 0; i < input.size(); i++) {
            items.add(inputItem(stored.getRequestId(), i, input.get(i)));
        }
        if (!ascending) {
            Collections.reverse(items);
        }
        int from = 0;
        if (after != null) {
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).id().equals(after)) {
                    from = i + 1;
                }
            }
        }
        int to = Math.min(items.size(), from + limit);
        List<InputItem> page = List.copyOf(items.subList(Math.min(from, to), to));
        return new InputItems("list", page, page.isEmpty() ? null : page.get(0).id(),
                page.isEmpty() ? null : page.get(page.size() - 1).id(), to < items.size());
    }

    private static InputItem inputItem(String requestId, int index, ChatMessage message) {
        String id = "msg_" + requestId + "_" + index;
        if (message.getRole() == ChatRole.ASSISTANT) {
            return new InputItem("message", id, "completed", "assistant",
                    List.of(new ItemContent("output_text", message.getContent(), List.of())));
        }
        String role = message.getRole() == ChatRole.SYSTEM ? "system" : "user";
        return new InputItem("message", id, "completed", role,
                List.of(new ItemContent("input_text", message.getContent(), null)));
    }

    /** The assistant message item with {@code text} as its one part. */
    static OutputMessage message(ChatExchange exchange, String status, String text) {
        return new OutputMessage("message", messageId(exchange.requestId()), status, "assistant",
                List.of(outputText(text)));
    }

    static OutputText outputText(String text) {
        return new OutputText("output_text", text, List.of());
    }

    /** {@code completed}, or {@code incomplete} when the reply hit the token limit. */
    static String status(FinishReason finishReason) {
        return finishReason == FinishReason.LENGTH ? "incomplete" : "completed";
    }

    static ApiError incompleteReply() {
        return new ApiError(HttpStatus.BAD_GATEWAY, "the response ended without a final chunk", "server_error",
                null, "incomplete_reply");
    }
}
