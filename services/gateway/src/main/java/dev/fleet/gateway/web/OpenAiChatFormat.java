package dev.fleet.gateway.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.schemas.OpenAiNames;

/**
 * Maps the orchestrator's {@link ChatChunk}s to OpenAI's chat JSON: one
 * {@code chat.completion.chunk} per chunk when streaming, or one {@code chat.completion}
 * assembled from all chunks. The {@code model} reported is the one that produced the chunk
 * (it differs from the requested one after a fallback). Tool calls the model made arrive whole on
 * one chunk: streamed as one {@code delta.tool_calls} (each call with its index, id, name and all its
 * arguments), or as the message's {@code tool_calls}; the finish reason is then {@code tool_calls}.
 */
public final class OpenAiChatFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiChatFormat() {
    }

    /** {@code chat.completion.chunk}. */
    public record CompletionChunk(String id, String object, long created, String model, List<ChunkChoice> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    }

    /** {@code logprobs} is always null: the fleet does not return log probabilities. */
    public record ChunkChoice(int index, Delta delta, Object logprobs,
            @JsonProperty("finish_reason") String finishReason) {
    }

    /** {@code tool_calls} (OpenAI's array, whole calls with their {@code index}) only on the chunk that carries them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, @JsonProperty("tool_calls") JsonNode toolCalls) {

        public Delta(String role, String content) {
            this(role, content, null);
        }
    }

    /** {@code chat.completion}. */
    public record Completion(String id, String object, long created, String model, List<CompletionChoice> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    }

    public record CompletionChoice(int index, Message message, Object logprobs,
            @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * {@code refusal} is always null: refusals arrive as content. {@code content} is null for a
     * message that only calls tools; {@code tool_calls} is left out when there are none.
     */
    public record Message(String role, String content, String refusal,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tool_calls") JsonNode toolCalls) {

        public Message(String role, String content, String refusal) {
            this(role, content, refusal, null);
        }
    }

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {

        static Usage of(TokenUsage usage) {
            return usage == null ? null : new Usage(usage.getPromptTokens(), usage.getCompletionTokens(),
                    usage.getPromptTokens() + usage.getCompletionTokens());
        }
    }

    /** The OpenAI completion id of a request. */
    public static String completionId(String requestId) {
        return "chatcmpl-" + requestId;
    }

    /** The error a chunk carries (an error chunk), if any. */
    public static Optional<ApiError> error(ChatChunk chunk) {
        ReplyError error = chunk.getError();
        if (error != null) {
            return Optional.of(UpstreamErrors.forChat(error));
        }
        if (chunk.getFinishReason() == FinishReason.ERROR) {
            return Optional.of(new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "the completion failed",
                    "server_error", null, "completion_failed"));
        }
        return Optional.empty();
    }

    /**
     * An error event's {@code body} with the {@code usage} the error chunk carries (what was billed
     * for the text streamed before the failure) next to {@code error}; unchanged without usage.
     */
    public static Map<String, Object> withUsage(Map<String, Object> body, ChatChunk chunk) {
        if (chunk.getUsage() == null) {
            return body;
        }
        Map<String, Object> withUsage = new LinkedHashMap<>(body);
        withUsage.put("usage", Usage.of(chunk.getUsage()));
        return withUsage;
    }

    /**
     * One streamed chunk; the first carries the assistant role, the last the finish reason. Usage
     * travels in a chunk of its own ({@link #usageChunk}), as OpenAI sends it.
     */
    public static CompletionChunk chunk(ChatExchange exchange, ChatChunk chunk, boolean first) {
        String content = chunk.getDelta();
        boolean last = chunk.getFinishReason() != null;
        JsonNode toolCalls = toolCalls(chunk.getToolCallsJson());
        Delta delta = new Delta(first ? "assistant" : null,
                content.isEmpty() && (last && !first || toolCalls != null) ? null : content, toolCalls);
        return new CompletionChunk(completionId(exchange.requestId()), "chat.completion.chunk", created(exchange),
                modelOf(exchange, chunk),
                List.of(new ChunkChoice(0, delta, null, OpenAiNames.of(chunk.getFinishReason()))), null);
    }

    /**
     * The usage-only chunk (empty {@code choices}) that ends a stream asked for with
     * {@code stream_options.include_usage}; empty unless {@code chunk} is the last one and carries usage.
     */
    public static Optional<CompletionChunk> usageChunk(ChatExchange exchange, ChatChunk chunk) {
        if (chunk.getFinishReason() == null || chunk.getUsage() == null || error(chunk).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new CompletionChunk(completionId(exchange.requestId()), "chat.completion.chunk",
                created(exchange), modelOf(exchange, chunk), List.of(), Usage.of(chunk.getUsage())));
    }

    /**
     * The whole completion from all chunks of a request, in order.
     *
     * @throws ApiErrorException with the upstream error when a chunk is an error, or 502 when the reply is incomplete
     */
    public static Completion completion(ChatExchange exchange, List<ChatChunk> chunks) {
        StringBuilder content = new StringBuilder();
        ChatChunk last = null;
        JsonNode toolCalls = null;
        for (ChatChunk chunk : chunks) {
            Optional<ApiError> error = error(chunk);
            if (error.isPresent()) {
                throw new ApiErrorException(error.get());
            }
            content.append(chunk.getDelta());
            if (chunk.getToolCallsJson() != null) {
                toolCalls = toolCalls(chunk.getToolCallsJson());
            }
            last = chunk;
        }
        if (last == null || last.getFinishReason() == null) {
            throw new ApiErrorException(new ApiError(HttpStatus.BAD_GATEWAY, "the completion ended without a "
                    + "final chunk", "server_error", null, "incomplete_reply"));
        }
        return new Completion(completionId(exchange.requestId()), "chat.completion", created(exchange),
                modelOf(exchange, last),
                List.of(new CompletionChoice(0, new Message("assistant",
                        content.isEmpty() && toolCalls != null ? null : content.toString(), null, toolCalls), null,
                        OpenAiNames.of(last.getFinishReason()))),
                Usage.of(last.getUsage()));
    }

    /** The tool calls a chunk carries, as JSON; null when none. */
    static JsonNode toolCalls(String toolCallsJson) {
        return json(toolCallsJson);
    }

    /** JSON text the fleet carries (tool calls, tools, formats) as a tree; null for null. */
    static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: the fleet's records carry JSON here", e);
        }
    }

    private static long created(ChatExchange exchange) {
        return exchange.acceptedAt().getEpochSecond();
    }

    /** The model that produced {@code chunk} (after a fallback not the requested one). */
    static String modelOf(ChatExchange exchange, ChatChunk chunk) {
        return chunk.getModel() == null || chunk.getModel().isBlank() ? exchange.model() : chunk.getModel();
    }
}
