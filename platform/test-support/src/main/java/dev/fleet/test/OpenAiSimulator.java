package dev.fleet.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small OpenAI-compatible chat endpoint for tests and benchmarks — a fixture, never a default.
 * Answers {@code POST /v1/chat/completions} (stream or not) with
 * {@code "Simulated answer to: <last user message>"}, one word per streamed chunk, after a
 * configurable first-token latency and per-token delay; can be told to fail the next requests.
 */
public final class OpenAiSimulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "openai-simulator");
        t.setDaemon(true);
        return t;
    });
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private volatile int failureStatus = 500;
    private volatile Duration firstTokenLatency = Duration.ZERO;
    private volatile Duration perTokenDelay = Duration.ZERO;

    private OpenAiSimulator(HttpServer server) {
        this.server = server;
    }

    /** Starts a simulator on a free loopback port. */
    public static OpenAiSimulator start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OpenAiSimulator simulator = new OpenAiSimulator(server);
            server.createContext("/v1/chat/completions", simulator::chat);
            server.createContext("/v1/models", simulator::models);
            server.setExecutor(simulator.executor);
            server.start();
            return simulator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the OpenAI simulator", e);
        }
    }

    /** Base URL without the {@code /v1} suffix, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The answer the simulator gives to {@code question}. */
    public static String answerTo(String question) {
        return "Simulated answer to: " + question;
    }

    public OpenAiSimulator latency(Duration firstToken, Duration perToken) {
        this.firstTokenLatency = firstToken;
        this.perTokenDelay = perToken;
        return this;
    }

    /** The next {@code count} requests fail with HTTP {@code status}. */
    public OpenAiSimulator failNext(int count, int status) {
        this.failureStatus = status;
        this.failuresToInject.set(count);
        return this;
    }

    /** Every request body received, in order. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    private void models(HttpExchange exchange) throws IOException {
        respond(exchange, 200, JSON.writeValueAsString(Map.of("object", "list", "data",
                List.of(Map.of("id", "sim-model", "object", "model", "owned_by", "simulator")))));
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            requests.add(body);
            if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(exchange, failureStatus, JSON.writeValueAsString(Map.of("error", Map.of(
                        "message", "injected failure", "type", "server_error", "code", "simulated"))));
                return;
            }
            String model = body.path("model").asText("sim-model");
            String answer = answerTo(lastUserMessage(body));
            pause(firstTokenLatency);
            List<String> words = words(answer);
            int promptTokens = body.path("messages").toString().length() / 4 + 1;
            if (body.path("stream").asBoolean(false)) {
                stream(exchange, model, words, promptTokens);
            } else {
                respond(exchange, 200, JSON.writeValueAsString(Map.of(
                        "id", "chatcmpl-sim", "object", "chat.completion", "created", now(), "model", model,
                        "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                                "message", Map.of("role", "assistant", "content", answer))),
                        "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", words.size(),
                                "total_tokens", promptTokens + words.size()))));
            }
        }
    }

    private void stream(HttpExchange exchange, String model, List<String> words, int promptTokens) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String word : words) {
            pause(perTokenDelay);
            send(out, Map.of("id", "chatcmpl-sim", "object", "chat.completion.chunk", "created", now(), "model", model,
                    "choices", List.of(Map.of("index", 0, "delta", Map.of("content", word)))));
        }
        java.util.HashMap<String, Object> choice = new java.util.HashMap<>();
        choice.put("index", 0);
        choice.put("delta", Map.of());
        choice.put("finish_reason", "stop");
        send(out, Map.of("id", "chatcmpl-sim", "object", "chat.completion.chunk", "created", now(), "model", model,
                "choices", List.of(choice),
                "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", words.size(),
                        "total_tokens", promptTokens + words.size())));
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(OutputStream out, Object chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String lastUserMessage(JsonNode body) {
        String last = "";
        for (JsonNode message : body.path("messages")) {
            if ("user".equals(message.path("role").asText())) {
                last = message.path("content").asText();
            }
        }
        return last;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        String[] parts = text.split(" ");
        for (int i = 0; i < parts.length; i++) {
            words.add(i == 0 ? parts[i] : " " + parts[i]);
        }
        return words;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static void pause(Duration d) {
        if (!d.isZero()) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
