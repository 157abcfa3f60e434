package dev.fleet.orchestrator.providers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.orchestrator.domain.ChatExchange;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.ProviderFailure;

import reactor.core.publisher.Flux;

/**
 * A provider called through OpenAI's Responses API ({@code POST /v1/responses}, streamed) rather
 * than chat completions: for endpoints that serve it natively (OpenAI; configured with kind
 * {@code openai-responses}). The request's messages become the input items (system messages as
 * {@code system} items), the sampling options its fields, {@code store} is off (the fleet keeps its
 * own history); the stream's {@code response.output_text.delta} events are the text and
 * {@code response.completed} carries the usage. A {@code response.failed}, {@code response.incomplete}
 * or {@code error} event fails the attempt as a server error. Resilience is the {@link StreamGuard}'s,
 * as for every provider. Function tools, {@code tool_choice} and {@code response_format} (as
 * {@code text.format}) are sent in the Responses shapes, an assistant's tool calls and tool results as
 * {@code function_call} / {@code function_call_output} items; the completed response's
 * {@code function_call} items come back as one tool-calls chunk. Limits: no reasoning items, no hosted tools.
 */
public final class OpenAiResponsesProvider implements ChatProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
    };

    private final String name;
    private final Set<String> models;
    private final WebClient client;
    private final StreamGuard guard;

    /** @param client a WebClient whose base URL is the provider's, without {@code /v1}; it carries the key */
    public OpenAiResponsesProvider(String name, Set<String> models, WebClient client, StreamGuard guard) {
        this.name = name;
        this.models = Set.copyOf(models);
        this.client = client;
        this.guard = guard;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> models() {
        return models;
    }

    @Override
    public Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange) {
        Map<String, Object> body = body(request);
        return guard.guard(() -> client.post().uri("/v1/responses")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .bodyValue(body)
                .retrieve()
                .bodyToFlux(EVENTS)
                .takeUntil(OpenAiResponsesProvider::last)
                .concatMapIterable(event -> chunks(name, event.data())));
    }

    /** The request body: the messages as input items and the options the Responses API has. */
    static Map<String, Object> body(ChatRequested request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", request.getModel());
        List<Map<String, Object>> input = new ArrayList<>();
        for (ChatMessage message : request.getMessages()) {
            switch (message.getRole()) {
                case SYSTEM -> input.add(Map.of("role", "system", "content", message.getContent()));
                case USER -> input.add(Map.of("role", "user", "content", message.getContent()));
                case ASSISTANT -> {
                    if (!message.getContent().isEmpty() || message.getToolCallsJson() == null) {
                        input.add(Map.of("role", "assistant", "content", message.getContent()));
                    }
                    for (JsonNode call : tree(message.getToolCallsJson())) {
                        input.add(Map.of("type", "function_call", "call_id", call.path("id").asText(),
                                "name", call.path("function").path("name").asText(),
                                "arguments", call.path("function").path("arguments").asText("")));
                    }
                }
                case TOOL -> input.add(Map.of("type", "function_call_output", "call_id",
                        message.getToolCallId() == null ? "" : message.getToolCallId(), "output", message.getContent()));
            }
        }
        body.put("input", input);
        putIfSet(body, "temperature", request.getTemperature());
        putIfSet(body, "max_output_tokens", request.getMaxTokens());
        ChatOptions options = request.getOptions();
        if (options != null) {
            putIfSet(body, "top_p", options.getTopP());
            putIfSet(body, "user", options.getUser());
            tools(body, options);
        }
        body.put("store", false);
        body.put("stream", true);
        return body;
    }

    /**
     * The chat path's tools, {@code tool_choice}, {@code parallel_tool_calls} and
     * {@code response_format} in the Responses API's shapes (function tools flat, {@code text.format}).
     */
    private static void tools(Map<String, Object> body, ChatOptions options) {
        if (options.getToolsJson() != null) {
            List<Map<String, Object>> tools = new ArrayList<>();
            for (JsonNode tool : tree(options.getToolsJson())) {
                Map<String, Object> function = JSON.convertValue(tool.path("function"), OBJECT);
                Map<String, Object> flat = new LinkedHashMap<>();
                flat.put("type", "function");
                flat.putAll(function);
                tools.add(flat);
            }
            body.put("tools", tools);
            putIfSet(body, "parallel_tool_calls", options.getParallelToolCalls());
        }
        if (options.getToolChoiceJson() != null) {
            JsonNode choice = tree(options.getToolChoiceJson());
            body.put("tool_choice", choice.isTextual() ? choice.textValue()
                    : Map.of("type", "function", "name", choice.path("function").path("name").asText()));
        }
        if (options.getResponseFormatJson() != null) {
            JsonNode format = tree(options.getResponseFormatJson());
            Map<String, Object> flat = new LinkedHashMap<>();
            flat.put("type", format.path("type").asText());
            if (format.has("json_schema")) {
                flat.putAll(JSON.convertValue(format.get("json_schema"), OBJECT));
            }
            body.put("text", Map.of("format", flat));
        }
    }

    private static JsonNode tree(String json) {
        if (json == null) {
            return JSON.createArrayNode();
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not the JSON the chat path carries", e);
        }
    }

    /**
     * What one event contributes: text, or at the end the tool calls of the completed response's
     * {@code function_call} items and the usage; a failure event fails the attempt.
     */
    static List<ProviderChunk> chunks(String provider, String data) {
        if (data == null || data.isBlank()) {
            return List.of();
        }
        JsonNode event;
        try {
            event = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw ProviderFailure.of(provider, ProviderFailure.Cause.OTHER,
                    "The model provider '" + provider + "' sent an event that is not JSON");
        }
        String type = event.path("type").asText();
        return switch (type) {
            case "response.output_text.delta" -> event.path("delta").asText().isEmpty() ? List.of()
                    : List.of(ProviderChunk.text(event.path("delta").asText()));
            case "response.completed" -> completed(event.path("response"));
            case "response.failed", "response.incomplete", "error" -> throw ProviderFailure.of(provider,
                    ProviderFailure.Cause.SERVER_ERROR, "The model provider '" + provider + "' ended the response: "
                            + failure(event));
            default -> List.of();
        };
    }

    private static boolean last(ServerSentEvent<String> event) {
        String data = event.data();
        return data != null && (data.contains("\"response.completed\"") || data.contains("\"response.failed\"")
                || data.contains("\"response.incomplete\""));
    }

    private static List<ProviderChunk> completed(JsonNode response) {
        List<ProviderChunk> chunks = new ArrayList<>(2);
        List<Map<String, Object>> calls = new ArrayList<>();
        for (JsonNode item : response.path("output")) {
            if ("function_call".equals(item.path("type").asText())) {
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("index", calls.size());
                call.put("id", item.path("call_id").asText());
                call.put("type", "function");
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", item.path("name").asText());
                function.put("arguments", item.path("arguments").asText(""));
                call.put("function", function);
                calls.add(call);
            }
        }
        if (!calls.isEmpty()) {
            try {
                chunks.add(ProviderChunk.toolCalls(JSON.writeValueAsString(calls)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write tool calls", e);
            }
        }
        chunks.addAll(usage(response.path("usage")));
        return chunks;
    }

    private static List<ProviderChunk> usage(JsonNode usage) {
        int input = usage.path("input_tokens").asInt(0);
        int output = usage.path("output_tokens").asInt(0);
        return input > 0 || output > 0 ? List.of(ProviderChunk.usage(new TokenUsage(input, output))) : List.of();
    }

    /** The failure's code, never its message (it may echo the request). */
    private static String failure(JsonNode event) {
        JsonNode error = event.path("response").path("error");
        if (error.isMissingNode() || error.isNull()) {
            error = event.path("error").isObject() ? event.path("error") : event;
        }
        String code = error.path("code").asText("");
        if (!code.isEmpty()) {
            return code;
        }
        String reason = event.path("response").path("incomplete_details").path("reason").asText("");
        return reason.isEmpty() ? event.path("type").asText() : reason;
    }

    private static void putIfSet(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    @Override
    public String toString() {
        return "OpenAiResponsesProvider[" + name + " " + models + "]";
    }
}
