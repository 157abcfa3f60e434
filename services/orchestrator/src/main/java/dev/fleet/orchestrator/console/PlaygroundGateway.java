package dev.fleet.orchestrator.console;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.util.UriComponentsBuilder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.orchestrator.domain.prompts.PromptSelection;

import reactor.core.publisher.Mono;

/**
 * Sends the playground's chat completion through the gateway, as the tenant whose API key the user typed:
 * {@code POST <gateway>/v1/chat/completions} (not streamed) with the prompt pinned by name and version in
 * {@code metadata} ({@code prompt}, {@code prompt_version}, {@code var_<name>}), which is how any client selects
 * a prompt, so the fleet renders the very version the playground showed. The key goes only into the
 * {@code Authorization} header of that one request: it is neither kept, logged nor part of any answer.
 * Every outcome is an {@link PlaygroundAnswer}: the answer, or a problem (the gateway's OpenAI-format error
 * with its status, no answer in time, nobody listening).
 */
public class PlaygroundGateway {

    private final WebClient web;
    private final URI gateway;
    private final Duration timeout;
    private final ObjectMapper json;

    public PlaygroundGateway(WebClient.Builder web, URI gateway, Duration timeout, ObjectMapper json) {
        this.web = web.clone().build();
        this.json = json;
        this.gateway = gateway;
        this.timeout = timeout;
    }

    /** What the playground sends: the pinned prompt and its variables, the user's message, the model. */
    public record Call(String apiKey, String model, String prompt, int version, Map<String, String> variables,
            String message) {

        @Override
        public String toString() { // never the key
            return "Call[model=" + model + ", prompt=" + prompt + ", version=" + version + "]";
        }

        /** The request's {@code metadata}, as {@link PromptSelection} reads it. */
        Map<String, String> metadata() {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(PromptSelection.PROMPT, prompt);
            metadata.put(PromptSelection.VERSION, Integer.toString(version));
            variables.forEach((name, value) -> metadata.put(PromptSelection.VARIABLE_PREFIX + name, value));
            return metadata;
        }
    }

    public URI gateway() {
        return gateway;
    }

    public Mono<PlaygroundAnswer> send(Call call) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", call.model());
        body.put("messages", List.of(Map.of("role", "user", "content", call.message())));
        body.put("metadata", call.metadata());
        body.put("stream", false);
        return web.post()
                .uri(UriComponentsBuilder.fromUri(gateway).path("/v1/chat/completions").build().toUri())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + call.apiKey())
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(text -> {
                            JsonNode parsed = parse(text);
                            int status = response.statusCode().value();
                            if (!response.statusCode().is2xxSuccessful()) {
                                return PlaygroundAnswer.problem(status, parsed);
                            }
                            return parsed == null ? PlaygroundAnswer.unreachable("The gateway's answer was not JSON.")
                                    : PlaygroundAnswer.of(parsed);
                        }))
                .timeout(timeout)
                .onErrorResume(TimeoutException.class, e -> Mono.just(PlaygroundAnswer.unreachable(
                        "The gateway did not answer within " + timeout.toSeconds() + " s.")))
                .onErrorResume(WebClientRequestException.class, e -> Mono.just(PlaygroundAnswer.unreachable(
                        "The gateway at " + gateway + " could not be reached: " + rootMessage(e))));
    }

    private JsonNode parse(String text) {
        try {
            return text.isBlank() ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
