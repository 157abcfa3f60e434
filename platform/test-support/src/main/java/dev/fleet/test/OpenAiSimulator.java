package dev.fleet.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenAI-compatible chat endpoint on a loopback port, for tests and benchmarks — a fixture,
 * never a default of any service. Answers {@code POST /v1/chat/completions} (stream or not) with
 * {@code "Simulated answer to: <last user message>"}, one word per token, and {@code GET /v1/models}.
 * A chat completions request that offers {@code tools} is answered with a tool call, and one whose
 * last message is a tool result with {@code "Simulated answer with tool result: <result>"}
 * ({@link SimulatedToolCall}).
 * It speaks two more dialects with the same answers and knobs ({@link WireFormat}): Ollama's native
 * {@code POST /api/chat} (NDJSON) and Anthropic's {@code POST /v1/messages} (SSE events), streamed only.
 * <p>
 * How it answers is a {@link SimulatedBehaviour} (time to first token, tokens per second, an HTTP
 * error, a mid-stream disconnect, a stall), chosen per request in this order: the next one queued
 * with {@link #next(int, SimulatedBehaviour)}, else the first rule of {@link #when} that matches the
 * request body, else the simulator's {@link #defaults(SimulatedBehaviour)}; then any
 * {@code x-simulator-<knob>} request header (e.g. {@code x-simulator-ttft: 500ms}) changes that knob.
 * <p>
 * Runs as its own process too ({@link SimulatorMain}): {@code java -cp … dev.fleet.test.OpenAiSimulator
 * --port 18080 --ttft 0ms --tokens-per-second 50}. Limits: one thread per open request (a
 * {@code com.sun.net.httpserver} server), so thousands of slow streams cost thousands of threads.
 */
public final class OpenAiSimulator implements AutoCloseable {

    /** The model {@code /v1/models} lists when none is named. */
    public static final String DEFAULT_MODEL = "sim-model";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "openai-simulator");
        t.setDaemon(true);
        return t;
    });
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final BehaviourChoice choice = new BehaviourChoice();
    private volatile List<String> models = List.of(DEFAULT_MODEL);
    private volatile boolean recording = true;

    private OpenAiSimulator(HttpServer server) {
        this.server = server;
    }

    /** Starts a simulator on a free loopback port. */
    public static OpenAiSimulator start() {
        return start(0);
    }

    /** Starts a simulator on {@code 127.0.0.1:port} (0 = a free port). */
    public static OpenAiSimulator start(int port) {
        // without TCP_NODELAY the server's header and body writes meet the client's delayed ACK:
        // 40 ms per small response (read once, when the JDK's server first starts)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // the JDK's server keeps at most 200 idle keep-alive connections and closes the rest: a client
        // pooling a thousand connections would reconnect for most requests (a TCP handshake on both
        // sides each time), which is the simulator's cost, not the model's
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "10000");
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
            OpenAiSimulator simulator = new OpenAiSimulator(server);
            server.createContext("/v1/chat/completions", exchange -> simulator.chat(exchange, WireFormat.OPENAI));
            server.createContext("/api/chat", exchange -> simulator.chat(exchange, WireFormat.OLLAMA));
            server.createContext("/v1/messages", exchange -> simulator.chat(exchange, WireFormat.ANTHROPIC));
            server.createContext("/v1/responses", exchange -> simulator.chat(exchange, WireFormat.OPENAI_RESPONSES));
            server.createContext("/v1/models", simulator::models);
            server.setExecutor(simulator.executor);
            server.start();
            return simulator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the OpenAI simulator on port " + port, e);
        }
    }

    /** Runs the simulator as a process; see {@link SimulatorMain} for the flags. */
    public static void main(String[] args) throws InterruptedException {
        SimulatorMain.run(args);
    }

    /** Base URL without the {@code /v1} suffix, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The id of the tool call the simulator answers a request with tools with. */
    public static final String TOOL_CALL_ID = SimulatedToolCall.CALL_ID;

    /** The text the simulator answers a request whose last message is the tool result {@code result} with. */
    public static String answerToToolResult(String result) {
        return SimulatedToolCall.answerToToolResult(result);
    }

    /** The answer the simulator gives to {@code question}. */
    public static String answerTo(String question) {
        return "Simulated answer to: " + question;
    }

    /** How every request is answered unless queued, a rule or a header says otherwise. */
    public OpenAiSimulator defaults(SimulatedBehaviour behaviour) {
        choice.defaults(behaviour);
        return this;
    }

    public SimulatedBehaviour defaults() {
        return choice.defaults();
    }

    /** Shortcut: the default time to first token, then one token every {@code perToken}. */
    public OpenAiSimulator latency(Duration firstToken, Duration perToken) {
        double rate = perToken.isZero() ? 0 : 1_000_000_000d / perToken.toNanos();
        return defaults(defaults().withTimeToFirstToken(firstToken).withTokensPerSecond(rate));
    }

    /** The next {@code count} requests are answered with {@code behaviour} (after those already queued). */
    public OpenAiSimulator next(int count, SimulatedBehaviour behaviour) {
        choice.queue(count, behaviour);
        return this;
    }

    /** The next {@code count} requests fail with HTTP {@code status}; replaces what was queued (0 clears it). */
    public OpenAiSimulator failNext(int count, int status) {
        choice.clearQueue();
        return next(count, defaults().withErrorStatus(status));
    }

    /** Requests whose body matches are answered with {@code behaviour} (rules are tried in the order added). */
    public OpenAiSimulator when(Predicate<JsonNode> body, SimulatedBehaviour behaviour) {
        choice.rule(body, behaviour);
        return this;
    }

    /** Requests whose last user message contains {@code text} are answered with {@code behaviour}. */
    public OpenAiSimulator whenAsked(String text, SimulatedBehaviour behaviour) {
        return when(body -> lastUserMessage(body).contains(text), behaviour);
    }

    /** Back to answering every request normally: no queue, no rules, default behaviour. */
    public OpenAiSimulator reset() {
        choice.reset();
        return this;
    }

    /** The model names {@code /v1/models} lists. */
    public OpenAiSimulator models(List<String> names) {
        this.models = List.copyOf(names);
        return this;
    }

    /** Whether request bodies are kept for {@link #requests()} (on by default; a benchmark turns it off). */
    public OpenAiSimulator recording(boolean on) {
        this.recording = on;
        return this;
    }

    /** Forgets the request bodies received so far ({@link #requests()} starts empty again). */
    public OpenAiSimulator forgetRequests() {
        requests.clear();
        return this;
    }

    /** Every request body received while recording, in order. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    private void models(HttpExchange exchange) throws IOException {
        try (exchange) {
            List<Map<String, String>> data = new ArrayList<>();
            for (String model : models) {
                data.add(Map.of("id", model, "object", "model", "owned_by", "simulator"));
            }
            SimulatedAnswer.writeJson(exchange, 200, Map.of("object", "list", "data", data));
        }
    }

    private void chat(HttpExchange exchange, WireFormat format) throws IOException {
        // not try-with-resources: a simulated disconnect must leave the response unfinished
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        if (recording) {
            requests.add(body);
        }
        SimulatedBehaviour behaviour;
        try {
            behaviour = choice.choose(body, exchange.getRequestHeaders());
        } catch (IllegalArgumentException e) {
            SimulatedAnswer.writeJson(exchange, 400, Map.of("error", Map.of("message", e.getMessage(),
                    "type", "invalid_request_error", "code", "bad_simulator_header")));
            exchange.close();
            return;
        }
        String question = lastUserMessage(body);
        String toolResult = format == WireFormat.OPENAI ? SimulatedToolCall.lastToolResult(body) : null;
        String answer = behaviour.answerTokens() > 0 ? answerOfLength(behaviour.answerTokens())
                : toolResult != null ? SimulatedToolCall.answerToToolResult(toolResult) : answerTo(question);
        int promptTokens = (body.has("messages") ? body.path("messages") : body.path("input")).toString().length() / 4
                + 1;
        boolean stream = body.path("stream").asBoolean(format == WireFormat.OLLAMA); // Ollama streams unless told not to
        SimulatedToolCall call = format == WireFormat.OPENAI ? SimulatedToolCall.of(body, question, promptTokens) : null;
        if (call != null && behaviour.errorStatus() == 0) {
            if (stream) {
                call.writeStream(exchange);
            } else {
                call.writeWhole(exchange);
            }
            exchange.close();
            return;
        }
        SimulatedAnswer completion = new SimulatedAnswer(behaviour, body.path("model").asText(DEFAULT_MODEL), answer,
                promptTokens, body.path("stream_options").path("include_usage").asBoolean(false));
        if (stream && behaviour.errorStatus() == 0) {
            completion.writeStream(exchange, format);
        } else {
            completion.writeWhole(exchange, format);
        }
        exchange.close();
    }

    /** An answer of exactly {@code tokens} words. */
    public static String answerOfLength(int tokens) {
        return String.join(" ", Collections.nCopies(tokens, "token"));
    }

    private static String lastUserMessage(JsonNode body) {
        String last = "";
        JsonNode input = body.path("input"); // the Responses API: a string, or message items
        if (input.isTextual()) {
            last = input.asText();
        }
        for (JsonNode message : body.has("messages") ? body.path("messages") : input) {
            if ("user".equals(message.path("role").asText())) {
                last = text(message.path("content"));
            }
        }
        return last;
    }

    /** A message's text: a string, or (Anthropic) a list of content blocks whose text parts are joined. */
    private static String text(JsonNode content) {
        if (!content.isArray()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            text.append(block.path("text").asText());
        }
        return text.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
