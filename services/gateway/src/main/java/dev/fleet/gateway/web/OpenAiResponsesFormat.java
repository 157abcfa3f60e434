package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

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
 * assistant {@code message} item of one {@code output_text} part (left out when the model only
 * called tools), then one {@code function_call} item per tool call. Ids derive from the request id
 * ({@code resp_…}, {@code msg_…}, {@code fc_…}), so a response can be traced to its {@code ChatRequested}.
 * The request's tools, tool_choice, parallel_tool_calls and text.format are echoed.
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
            String model, List<Object> output, Usage usage, ResponseError error,
            @JsonProperty("incomplete_details") IncompleteDetails incompleteDetails, String instructions,
            Map<String, String> metadata, Double temperature, @JsonProperty("top_p") Double topP,
            @JsonProperty("max_output_tokens") Integer maxOutputTokens,
            @JsonProperty("parallel_tool_calls") boolean parallelToolCalls,
            @JsonProperty("tool_choice") Object toolChoice, Object tools, boolean store, String user,
            @JsonProperty("previous_response_id") String previousResponseId, Text text, String truncation,
            boolean background) {
    }

    /** An assistant {@code message} output item. */
    public record OutputMessage(String type, String id, String status, String role, List<OutputText> content) {
    }

    /**
     * A {@code function_call} output item: a tool call of the model, for the client to run and
     * answer with a {@code function_call_output} input item of the same {@code call_id}.
     */
    public record FunctionCall(String type, String id, @JsonProperty("call_id") String callId, String name,
            String arguments, String status) {

        static FunctionCall of(String id, JsonNode call, String status) {
            return new FunctionCall("function_call", id, call.path("id").asText(),
                    call.path("function").path("name").asText(), call.path("function").path("arguments").asText(""),
                    status);
        }
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

    /** {@code format}: the request's {@code text.format} as the client sent it, else {@link Format} text. */
    public record Text(Object format) {

        static Text of(JsonNode format) {
            return new Text(format == null ? new Format("text") : format);
        }

        static Text ofJson(String formatJson) {
            return of(OpenAiChatFormat.json(formatJson));
        }
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
        String toolCalls = null;
        for (ChatChunk chunk : chunks) {
            Optional<ApiError> error = OpenAiChatFormat.error(chunk);
            if (error.isPresent()) {
                throw new ApiErrorException(error.get());
            }
            text.append(chunk.getDelta());
            if (chunk.getToolCallsJson() != null) {
                toolCalls = chunk.getToolCallsJson();
            }
            last = chunk;
        }
        if (last == null || last.getFinishReason() == null) {
            throw new ApiErrorException(incompleteReply());
        }
        String status = status(last.getFinishReason());
        return response(exchange, echo, OpenAiChatFormat.modelOf(exchange, last), status,
                output(exchange.requestId(), status, text.toString(), toolCalls), Usage.of(last.getUsage()), null);
    }

    /**
     * The output items of an answer: the assistant message with its text (left out when the model
     * only called tools), then one {@code function_call} item per tool call.
     */
    static List<Object> output(String requestId, String status, String text, String toolCallsJson) {
        List<Object> output = new ArrayList<>();
        List<FunctionCall> calls = functionCalls(requestId, toolCallsJson, "completed");
        if (!text.isEmpty() || calls.isEmpty()) {
            output.add(new OutputMessage("message", messageId(requestId), status, "assistant",
                    List.of(outputText(text))));
        }
        output.addAll(calls);
        return output;
    }

    /** The {@code function_call} items of tool calls (OpenAI {@code tool_calls} JSON); none for null. */
    static List<FunctionCall> functionCalls(String requestId, String toolCallsJson, String status) {
        List<FunctionCall> calls = new ArrayList<>();
        JsonNode array = OpenAiChatFormat.toolCalls(toolCallsJson);
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                calls.add(FunctionCall.of(functionCallId(requestId, i), array.get(i), status));
            }
        }
        return calls;
    }

    /** The id of the {@code index}th function_call item of a request's response. */
    static String functionCallId(String requestId, int index) {
        return "fc_" + requestId + "_" + index;
    }

    /** A response as it stands: {@code status} {@code in_progress}, {@code completed}, {@code incomplete} or {@code failed}. */
    static Response response(ChatExchange exchange, ResponsesRequest.Echo echo, String model, String status,
            List<Object> output, Usage usage, ApiError error) {
        return new Response(responseId(exchange.requestId()), "response", exchange.acceptedAt().getEpochSecond(),
                status, model, output, usage, error == null ? null : ResponseError.of(error),
                "incomplete".equals(status) ? new IncompleteDetails("max_output_tokens") : null,
                echo.instructions(), echo.metadata(), echo.temperature(), echo.topP(), echo.maxOutputTokens(),
                echo.parallelToolCalls(), echo.toolChoice() == null ? "auto" : echo.toolChoice(),
                echo.tools() == null ? List.of() : echo.tools(), echo.store(), echo.user(),
                echo.previousResponseId(), Text.of(echo.textFormat()), "disabled", false);
    }

    /**
     * A stored response as the orchestrator kept it: one assistant message with its text (none for a
     * failed response that delivered no text), and the error of a failed one.
     */
    public static Response stored(StoredResponse stored) {
        String status = stored.getStatus();
        List<Object> output = "failed".equals(status) && stored.getOutputText().isEmpty() ? List.of()
                : output(stored.getRequestId(), "failed".equals(status) ? "incomplete" : status,
                        stored.getOutputText(), stored.getOutputToolCallsJson());
        ResponseError error = stored.getError() == null ? null
                : ResponseError.of(UpstreamErrors.forChat(stored.getError()));
        return new Response(stored.getResponseId(), "response", stored.getCreatedAt().getEpochSecond(), status,
                stored.getModel(), output, Usage.of(stored.getUsage()), error,
                "incomplete".equals(status) ? new IncompleteDetails("max_output_tokens") : null,
                stored.getInstructions(), stored.getMetadata(), stored.getTemperature(), stored.getTopP(),
                stored.getMaxOutputTokens(), true,
                stored.getToolChoiceJson() == null ? "auto" : OpenAiChatFormat.json(stored.getToolChoiceJson()),
                stored.getToolsJson() == null ? List.of() : OpenAiChatFormat.json(stored.getToolsJson()), true,
                stored.getUser(), stored.getPreviousResponseId(), Text.ofJson(stored.getTextFormatJson()), "disabled",
                false);
    }

    /** {@code GET /v1/responses/{id}/input_items}: a page of the stored input items. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record InputItems(String object, List<Object> data, @JsonProperty("first_id") String firstId,
            @JsonProperty("last_id") String lastId, @JsonProperty("has_more") boolean hasMore) {
    }

    /**
     * A stored input message: {@code input_text} parts for the client's roles, {@code output_text}
     * for an assistant's; tool calls and results are {@link FunctionCall} and {@link FunctionCallOutput} items.
     */
    public record InputItem(String type, String id, String status, String role, List<ItemContent> content) {
    }

    /** A {@code function_call_output} input item. */
    public record FunctionCallOutput(String type, String id, @JsonProperty("call_id") String callId, String output,
            String status) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemContent(String type, String text, List<Object> annotations) {
    }

    /**
     * The input items of a stored response, in {@code order} ({@code asc} oldest first, {@code desc}
     * newest first, OpenAI's default), after the item {@code after} (none: from the start), at most {@code limit}.
     */
    public static InputItems inputItems(StoredResponse stored, boolean ascending, String after, int limit) {
        List<Object> items = new ArrayList<>();
        List<ChatMessage> input = stored.getInput();
        for (int i = 0; i < input.size(); i++) {
            items.addAll(inputItems(stored.getRequestId(), i, input.get(i)));
        }
        if (!ascending) {
            Collections.reverse(items);
        }
        int from = 0;
        if (after != null) {
            for (int i = 0; i < items.size(); i++) {
                if (itemId(items.get(i)).equals(after)) {
                    from = i + 1;
                }
            }
        }
        int to = Math.min(items.size(), from + limit);
        List<Object> page = List.copyOf(items.subList(Math.min(from, to), to));
        return new InputItems("list", page, page.isEmpty() ? null : itemId(page.get(0)),
                page.isEmpty() ? null : itemId(page.get(page.size() - 1)), to < items.size());
    }

    private static String itemId(Object item) {
        if (item instanceof InputItem message) {
            return message.id();
        }
        if (item instanceof FunctionCall call) {
            return call.id();
        }
        return ((FunctionCallOutput) item).id();
    }

    private static List<Object> inputItems(String requestId, int index, ChatMessage message) {
        String id = "msg_" + requestId + "_" + index;
        if (message.getRole() == ChatRole.TOOL) {
            return List.of(new FunctionCallOutput("function_call_output", "fco_" + requestId + "_" + index,
                    message.getToolCallId(), message.getContent(), "completed"));
        }
        if (message.getRole() == ChatRole.ASSISTANT) {
            List<Object> items = new ArrayList<>();
            if (!message.getContent().isEmpty() || message.getToolCallsJson() == null) {
                items.add(new InputItem("message", id, "completed", "assistant",
                        List.of(new ItemContent("output_text", message.getContent(), List.of()))));
            }
            items.addAll(functionCalls(requestId + "_in" + index, message.getToolCallsJson(), "completed"));
            return items;
        }
        String role = message.getRole() == ChatRole.SYSTEM ? "system" : "user";
        return List.of(new InputItem("message", id, "completed", role,
                List.of(new ItemContent("input_text", message.getContent(), null))));
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
