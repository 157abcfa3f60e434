package dev.fleet.test;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
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
        writeWhole(exchange, WireFormat.OPENAI);
    }

    /** As {@link #writeWhole(HttpExchange)}; an error is spelled in {@code format} (a whole answer only in OpenAI's). */
    void writeWhole(HttpExchange exchange, WireFormat format) throws IOException {
        long start = System.nanoTime();
        if (behaviour.errorStatus() != 0) {
            sleepUntil(start + behaviour.timeToFirstToken().toNanos());
            writeError(exchange, behaviour.errorStatus(), format);
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
        writeStream(exchange, WireFormat.OPENAI);
    }

    /** Streams the answer in {@code format}'s wire format, paced and broken as the behaviour says. */
    void writeStream(HttpExchange exchange, WireFormat format) throws IOException {
        long start = System.nanoTime();
        exchange.getResponseHeaders().add("Content-Type", format.contentType());
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
            if (i == 0) {
                format.open(out, model, promptTokens);
            }
            format.token(out, model, words.get(i));
        }
        if (words.size() == behaviour.disconnectAfter()) {
            sleepUntil(tokenDueAt(start, words.size()) + stalled);
            throw new Disconnect();
        }
        format.close(out, model, promptTokens, words.size(), streamUsage, String.join("", words));
        out.flush();
    }

    private long tokenDueAt(long start, int index) {
        return start + behaviour.timeToFirstToken().toNanos() + index * behaviour.interTokenDelay().toNanos();
    }

    private Map<String, Object> usage(int completionTokens) {
        return WireFormat.openAiUsage(promptTokens, completionTokens);
    }

    static void writeError(HttpExchange exchange, int status, WireFormat format) throws IOException {
        if (status == 429 || status == 503) {
            exchange.getResponseHeaders().add("Retry-After", "1");
        }
        writeJson(exchange, status, format.error(status, "injected failure (HTTP " + status + ")"));
    }

    static void writeJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static long epochSeconds() {
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
