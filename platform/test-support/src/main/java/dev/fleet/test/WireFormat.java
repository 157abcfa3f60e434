package dev.fleet.test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How {@link OpenAiSimulator} spells a streamed answer and an error on the wire, per provider API:
 * OpenAI's {@code /v1/chat/completions} Server-Sent Events, Ollama's {@code /api/chat} NDJSON, and
 * Anthropic's {@code /v1/messages} typed SSE events, OpenAI's {@code /v1/responses} events. The pacing and the injected failures are the
 * same for all ({@link SimulatedAnswer}). Limits: only the fields Spring AI's clients read.
 */
enum WireFormat {

    /**
     * {@code data: {chat.completion.chunk}} lines, a last chunk with the finish reason, then — when the
     * request set {@code stream_options.include_usage} — a chunk with no choices and the usage, {@code [DONE]}.
     */
    OPENAI("text/event-stream") {
        @Override
        void open(OutputStream out, String model, int promptTokens) {
        }

        @Override
        void token(OutputStream out, String model, String word) throws IOException {
            sse(out, null, openAiChunk(model, Map.of("content", word), null, null));
        }

        @Override
        void close(OutputStream out, String model, int promptTokens, int completionTokens, boolean includeUsage)
                throws IOException {
            sse(out, null, openAiChunk(model, Map.of(), "stop", null));
            if (includeUsage) {
                Map<String, Object> usage = new LinkedHashMap<>(openAiChunk(model, Map.of(), null, null));
                usage.put("choices", List.of());
                usage.put("usage", openAiUsage(promptTokens, completionTokens));
                sse(out, null, usage);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        Map<String, Object> error(int status, String message) {
            String type = status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error"
                    : "invalid_request_error";
            return Map.of("error", Map.of("message", message, "type", type, "code", "simulated"));
        }
    },

    /** One JSON object a line: {@code message.content} pieces with {@code done:false}, then {@code done:true} with counts. */
    OLLAMA("application/x-ndjson") {
        @Override
        void open(OutputStream out, String model, int promptTokens) {
        }

        @Override
        void token(OutputStream out, String model, String word) throws IOException {
            line(out, ollamaLine(model, word, false));
        }

        @Override
        void close(OutputStream out, String model, int promptTokens, int completionTokens, boolean includeUsage)
                throws IOException {
            Map<String, Object> last = ollamaLine(model, "", true);
            last.put("done_reason", "stop");
            last.put("prompt_eval_count", promptTokens);
            last.put("eval_count", completionTokens);
            line(out, last);
        }

        @Override
        Map<String, Object> error(int status, String message) {
            return Map.of("error", message);
        }
    },

    /** {@code message_start} (input tokens), text {@code content_block_delta}s, {@code message_delta} (output tokens), {@code message_stop}. */
    ANTHROPIC("text/event-stream") {
        @Override
        void open(OutputStream out, String model, int promptTokens) throws IOException {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", "msg_sim");
            message.put("type", "message");
            message.put("role", "assistant");
            message.put("model", model);
            message.put("content", List.of());
            message.put("stop_reason", null);
            message.put("usage", Map.of("input_tokens", promptTokens, "output_tokens", 1));
            sse(out, "message_start", Map.of("type", "message_start", "message", message));
            sse(out, "content_block_start", Map.of("type", "content_block_start", "index", 0,
                    "content_block", Map.of("type", "text", "text", "")));
        }

        @Override
        void token(OutputStream out, String model, String word) throws IOException {
            sse(out, "content_block_delta", Map.of("type", "content_block_delta", "index", 0,
                    "delta", Map.of("type", "text_delta", "text", word)));
        }

        @Override
        void close(OutputStream out, String model, int promptTokens, int completionTokens, boolean includeUsage)
                throws IOException {
            sse(out, "content_block_stop", Map.of("type", "content_block_stop", "index", 0));
            sse(out, "message_delta", Map.of("type", "message_delta",
                    "delta", Map.of("stop_reason", "end_turn"), "usage", Map.of("output_tokens", completionTokens)));
            sse(out, "message_stop", Map.of("type", "message_stop"));
        }

        @Override
        Map<String, Object> error(int status, String message) {
            String type = switch (status) {
                case 429 -> "rate_limit_error";
                case 529, 503 -> "overloaded_error";
                default -> status >= 500 ? "api_error" : "invalid_request_error";
            };
            return Map.of("type", "error", "error", Map.of("type", type, "message", message));
        }
    },

    /**
     * OpenAI's Responses API ({@code /v1/responses}) events: {@code response.created},
     * {@code response.in_progress}, the output item and its text part added, one
     * {@code response.output_text.delta} per token, the text, part and item done, then
     * {@code response.completed} with {@code usage} (input, output and total tokens).
     */
    OPENAI_RESPONSES("text/event-stream") {
        @Override
        void open(OutputStream out, String model, int promptTokens) throws IOException {
            sse(out, "response.created", responseEvent("response.created", response(model, "in_progress", null, null)));
            sse(out, "response.in_progress", responseEvent("response.in_progress",
                    response(model, "in_progress", null, null)));
            sse(out, "response.output_item.added", Map.of("type", "response.output_item.added", "output_index", 0,
                    "item", message("in_progress", List.of())));
            sse(out, "response.content_part.added", Map.of("type", "response.content_part.added",
                    "item_id", "msg_sim", "output_index", 0, "content_index", 0, "part", text("")));
        }

        @Override
        void token(OutputStream out, String model, String word) throws IOException {
            sse(out, "response.output_text.delta", Map.of("type", "response.output_text.delta", "item_id", "msg_sim",
                    "output_index", 0, "content_index", 0, "delta", word));
        }

        @Override
        void close(OutputStream out, String model, int promptTokens, int completionTokens, boolean includeUsage,
                String answer) throws IOException {
            sse(out, "response.output_text.done", Map.of("type", "response.output_text.done", "item_id", "msg_sim",
                    "output_index", 0, "content_index", 0, "text", answer));
            sse(out, "response.content_part.done", Map.of("type", "response.content_part.done", "item_id", "msg_sim",
                    "output_index", 0, "content_index", 0, "part", text(answer)));
            Map<String, Object> item = message("completed", List.of(text(answer)));
            sse(out, "response.output_item.done", Map.of("type", "response.output_item.done", "output_index", 0,
                    "item", item));
            sse(out, "response.completed", responseEvent("response.completed", response(model, "completed",
                    List.of(item), Map.of("input_tokens", promptTokens, "output_tokens", completionTokens,
                            "total_tokens", promptTokens + completionTokens))));
        }

        @Override
        void close(OutputStream out, String model, int promptTokens, int completionTokens, boolean includeUsage)
                throws IOException {
            throw new UnsupportedOperationException("the Responses API's close needs the answer");
        }

        @Override
        Map<String, Object> error(int status, String message) {
            return OPENAI.error(status, message);
        }

        private static Map<String, Object> responseEvent(String type, Map<String, Object> response) {
            return Map.of("type", type, "response", response);
        }

        private static Map<String, Object> response(String model, String status, List<Object> output,
                Map<String, Object> usage) {
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("id", "resp_sim");
            response.put("object", "response");
            response.put("created_at", SimulatedAnswer.epochSeconds());
            response.put("status", status);
            response.put("model", model);
            response.put("output", output == null ? List.of() : output);
            response.put("usage", usage);
            return response;
        }

        private static Map<String, Object> message(String status, List<Object> content) {
            return Map.of("id", "msg_sim", "type", "message", "status", status, "role", "assistant",
                    "content", content);
        }

        private static Map<String, Object> text(String text) {
            return Map.of("type", "output_text", "text", text, "annotations", List.of());
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String contentType;

    WireFormat(String contentType) {
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    /** Before the first token (Anthropic announces the message first). */
    abstract void open(OutputStream out, String model, int promptTokens) throws IOException;

    abstract void token(OutputStream out, String model, String word) throws IOException;

    /** After the last token: the finish and the usage ({@code includeUsage}: whether OpenAI's client asked for it). */
    abstract void close(OutputStream out, String model, int promptTokens, int completionTokens, boolean includeUsage)
            throws IOException;

    /** As {@link #close(OutputStream, String, int, int, boolean)}, for formats that repeat the whole {@code answer}. */
    void close(OutputStream out, String model, int promptTokens, int completionTokens, boolean includeUsage,
            String answer) throws IOException {
        close(out, model, promptTokens, completionTokens, includeUsage);
    }

    /** The API's error body for HTTP {@code status}. */
    abstract Map<String, Object> error(int status, String message);

    static Map<String, Object> openAiUsage(int promptTokens, int completionTokens) {
        return Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
                "total_tokens", promptTokens + completionTokens);
    }

    private static Map<String, Object> openAiChunk(String model, Map<String, Object> delta, String finishReason,
            Map<String, Object> usage) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finishReason);
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", "chatcmpl-sim");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", SimulatedAnswer.epochSeconds());
        chunk.put("model", model);
        chunk.put("choices", List.of(choice));
        if (usage != null) {
            chunk.put("usage", usage);
        }
        return chunk;
    }

    private static Map<String, Object> ollamaLine(String model, String content, boolean done) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("model", model);
        line.put("created_at", Instant.now().toString());
        line.put("message", Map.of("role", "assistant", "content", content));
        line.put("done", done);
        return line;
    }

    private static void sse(OutputStream out, String event, Object data) throws IOException {
        String prefix = event == null ? "" : "event: " + event + "\n";
        write(out, prefix + "data: " + json(data) + "\n\n");
    }

    private static void line(OutputStream out, Object data) throws IOException {
        write(out, json(data) + "\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String json(Object data) throws JsonProcessingException {
        return JSON.writeValueAsString(data);
    }
}
