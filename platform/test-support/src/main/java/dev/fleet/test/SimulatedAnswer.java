package dev.fleet.test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * Writes one simulated chat completion to an exchange, as OpenAI would: a {@code chat.completion}
 * object, or Server-Sent Events ({@code chat.completion.chunk}s, a last chunk with the finish reason,
 * when the request set {@code stream_options.include_usage} a usage-only chunk with empty
 * {@code choices}, then {@code [DONE]}), paced and broken as its {@link SimulatedBehaviour} says. Token
 * times follow a fixed schedule from the first token (not a sleep per token), so pacing does not
 * drift; the sleep granularity of the machine (about 0.1 ms on Linux) bounds its precision.
 * Usage: prompt tokens are estimated as characters ÷ 4, completion tokens are the words sent.
 */
final class SimulatedAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Thrown to make the HTTP server drop the connection without ending the response. */
    static final class Disconnect extends RuntimeException {
        Disconnect() {
            super("simulated disconnect", null, false, false);
        }
    }

    private final SimulatedBehaviour behaviour;
    private final String model;
    private final List<String> words;
    private final int promptTokens;
    private final boolean streamUsage;

    /** @param streamUsage whether a stream ends with a usage chunk ({@code stream_options.include_usage}) */
    SimulatedAnswer(SimulatedBehaviour behaviour, String model, String answer, int promptTokens,
            boolean streamUsage) {
        this.behaviour = behaviour;
        this.model = model;
        this.words = words(answer);
        this.promptTokens = promptTokens;
        this.streamUsage = streamUsage;
    }

    /** The answer's words, each but the first with its leading space (one token each). */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        String[] parts = text.split(" ");
        for (int i = 0; i < parts.length; i++) {
            words.add(i == 0 ? parts[i] : " " + parts[i]);
        }
        return words;
    }

    /** Errors and whole (non-streamed) answers: after the time all tokens would take. */
    void writeWhole(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        if (behaviour.errorStatus() != 0) {
            sleepUntil(start + behaviour.timeToFirstToken().toNanos());
            writeError(exchange, behaviour.errorStatus());
            return;
        }
        long done = tokenDueAt(start, words.size() - 1);
        if (behaviour.stallAfter() >= 0 && behaviour.stallAfter() < words.size()) {
            done += behaviour.stallFor().toNanos();
        }
        sleepUntil(done);
        if (behaviour.disconnectAfter() >= 0) {
            throw new Disconnect();
        }
        String answer = String.join("", words);
        writeJson(exchange, 200, Map.of(
                "id", "chatcmpl-sim", "object", "chat.completion", "created", epochSeconds(), "model", model,
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", answer))),
                "usage", usage(words.size())));
    }

    void writeStream(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        long stalled = 0;
        for (int i = 0; i < words.size(); i++) {
            if (i == behaviour.stallAfter()) {
                stalled = behaviour.stallFor().toNanos();
            }
            sleepUntil(tokenDueAt(start, i) + stalled);
            if (i == behaviour.disconnectAfter()) {
                throw new Disconnect(); // when the next token was due
            }
            send(out, chunk(Map.of("content", words.get(i)), null, null));
        }
        if (words.size() == behaviour.disconnectAfter()) {
            sleepUntil(tokenDueAt(start, words.size()) + stalled);
            throw new Disconnect();
        }
        send(out, chunk(Map.of(), "stop", null));
        if (streamUsage) {
            send(out, usageChunk());
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private long tokenDueAt(long start, int index) {
        return start + behaviour.timeToFirstToken().toNanos() + index * behaviour.interTokenDelay().toNanos();
    }

    private Map<String, Object> chunk(Map<String, Object> delta, String finishReason, Map<String, Object> usage) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finishReason);
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", "chatcmpl-sim");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", epochSeconds());
        chunk.put("model", model);
        chunk.put("choices", List.of(choice));
        if (usage != null) {
            chunk.put("usage", usage);
        }
        return chunk;
    }

    /** OpenAI's last chunk of a stream asked for with {@code include_usage}: no choices, the usage. */
    private Map<String, Object> usageChunk() {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", "chatcmpl-sim");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", epochSeconds());
        chunk.put("model", model);
        chunk.put("choices", List.of());
        chunk.put("usage", usage(words.size()));
        return chunk;
    }

    private Map<String, Object> usage(int completionTokens) {
        return Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
                "total_tokens", promptTokens + completionTokens);
    }

    static void writeError(HttpExchange exchange, int status) throws IOException {
        if (status == 429 || status == 503) {
            exchange.getResponseHeaders().add("Retry-After", "1");
        }
        String type = status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
        writeJson(exchange, status, Map.of("error", Map.of(
                "message", "injected failure (HTTP " + status + ")", "type", type, "code", "simulated")));
    }

    static void writeJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void send(OutputStream out, Object chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
