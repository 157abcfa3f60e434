package dev.fleet.test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * The simulator's deterministic tool calling, on OpenAI's chat completions: a request that offers
 * {@code tools} (and whose {@code tool_choice} is not {@code none}) and whose last message is not a
 * {@code tool} result is answered with one call of the tool {@code tool_choice} names, else of the
 * first tool, with the arguments {@code {"query": "<last user message>"}}, id {@value #CALL_ID} and
 * finish reason {@code tool_calls} — as one {@code chat.completion} or streamed as OpenAI streams tool
 * calls (the id and name first, the arguments in two pieces). A request whose last message is a tool
 * result is answered as text, {@link #answerToToolResult}. Limits: one call per turn, no pacing or
 * faults (the behaviour's error status is honoured before, by the caller).
 */
final class SimulatedToolCall {

    /** The id of every simulated call. */
    static final String CALL_ID = "call_sim_0";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String model;
    private final String name;
    private final String arguments;
    private final int promptTokens;
    private final boolean streamUsage;

    private SimulatedToolCall(String model, String name, String arguments, int promptTokens, boolean streamUsage) {
        this.model = model;
        this.name = name;
        this.arguments = arguments;
        this.promptTokens = promptTokens;
        this.streamUsage = streamUsage;
    }

    /** The call a chat completions request asks for, or null when it should be answered with text. */
    static SimulatedToolCall of(JsonNode body, String question, int promptTokens) {
        JsonNode tools = body.path("tools");
        JsonNode choice = body.path("tool_choice");
        JsonNode messages = body.path("messages");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.asText())
                || messages.isEmpty() || "tool".equals(messages.get(messages.size() - 1).path("role").asText())) {
            return null;
        }
        String name = choice.isObject() ? choice.path("function").path("name").asText()
                : tools.get(0).path("function").path("name").asText();
        String arguments;
        try {
            arguments = JSON.writeValueAsString(Map.of("query", question));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new SimulatedToolCall(body.path("model").asText(OpenAiSimulator.DEFAULT_MODEL), name, arguments,
                promptTokens, body.path("stream_options").path("include_usage").asBoolean(false));
    }

    /** The text answer to a request whose last message is the tool result {@code result}. */
    static String answerToToolResult(String result) {
        return "Simulated answer with tool result: " + result;
    }

    /** The last message's content when it is a tool result; null otherwise. */
    static String lastToolResult(JsonNode body) {
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return null;
        }
        JsonNode last = messages.get(messages.size() - 1);
        return "tool".equals(last.path("role").asText()) ? last.path("content").asText() : null;
    }

    void writeWhole(HttpExchange exchange) throws IOException {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", null);
        message.put("tool_calls", List.of(call(true, arguments)));
        SimulatedAnswer.writeJson(exchange, 200, Map.of(
                "id", "chatcmpl-sim", "object", "chat.completion", "created", SimulatedAnswer.epochSeconds(),
                "model", model,
                "choices", List.of(Map.of("index", 0, "finish_reason", "tool_calls", "message", message)),
                "usage", WireFormat.openAiUsage(promptTokens, completionTokens())));
    }

    void writeStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("role", "assistant");
        first.put("content", null);
        first.put("tool_calls", List.of(call(true, "")));
        data(out, chunk(first, null));
        int half = arguments.length() / 2;
        data(out, chunk(Map.of("tool_calls", List.of(call(false, arguments.substring(0, half)))), null));
        data(out, chunk(Map.of("tool_calls", List.of(call(false, arguments.substring(half)))), null));
        data(out, chunk(Map.of(), "tool_calls"));
        if (streamUsage) {
            Map<String, Object> usage = new LinkedHashMap<>(chunk(Map.of(), null));
            usage.put("choices", List.of());
            usage.put("usage", WireFormat.openAiUsage(promptTokens, completionTokens()));
            data(out, usage);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A call (or, streamed after the first piece, a delta of it: index and arguments only). */
    private Map<String, Object> call(boolean head, String args) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("index", 0);
        if (head) {
            call.put("id", CALL_ID);
            call.put("type", "function");
            call.put("function", Map.of("name", name, "arguments", args));
        } else {
            call.put("function", Map.of("arguments", args));
        }
        return call;
    }

    private Map<String, Object> chunk(Map<String, Object> delta, String finishReason) {
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
        return chunk;
    }

    private int completionTokens() {
        return arguments.length() / 4 + 1;
    }

    private static void data(OutputStream out, Object chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
