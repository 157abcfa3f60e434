package dev.fleet.gateway.web;


import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.ChatCompletions;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/responses} (OpenAI's Responses API), bridged onto the chat path: the request
 * becomes a {@link dev.fleet.gateway.domain.ChatCommand} and goes through {@link ChatCompletions}
 * like a chat completion (limits, quota, publication, one attempt per reply), and the chunks are
 * answered as a {@code response} object or its event stream (decision 0028). As for chat, the
 * request is published before the response starts, so a failure before that is an HTTP error;
 * a failure after the stream began ends it with {@code response.failed}.
 * <p>
 * Responses are not stored yet: retrieving, deleting or listing the input items of a response is
 * a 404 that says so.
 */
@RestController
public class ResponsesController {

    /** Spring writes {@code event:}/{@code data:} + the value; the space yields OpenAI's {@code data: {...}} framing. */
    private static final String SSE_FIELD_PREFIX = " ";

    private final ChatCompletions chat;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final RequestLimits limits;

    public ResponsesController(ChatCompletions chat, ModelCatalog catalog, ObjectMapper json,
            FleetGatewayProperties properties) {
        this.chat = chat;
        this.catalog = catalog;
        this.json = json;
        this.limits = RequestLimits.of(properties);
    }

    @PostMapping("/v1/responses")
    public Mono<ResponseEntity<?>> create(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @RequestBody ResponsesRequest body) {
        ResponsesRequest.Bridged request = body.toCommand(catalog, limits);
        return chat.submit(caller, request.command()).flatMap(exchange -> request.command().stream()
                ? Mono.just(ResponseEntity.ok()
                        .header(ChatCompletionsController.CONVERSATION_HEADER, exchange.conversationId())
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(events(exchange, request.echo())))
                : exchange.replies().collectList()
                        .map(chunks -> ResponseEntity.ok()
                                .header(ChatCompletionsController.CONVERSATION_HEADER, exchange.conversationId())
                                .body(OpenAiResponsesFormat.response(exchange, request.echo(), chunks))));
    }

    @GetMapping({"/v1/responses/{id}", "/v1/responses/{id}/input_items"})
    public Mono<ResponseEntity<?>> retrieve(@PathVariable String id) {
        return Mono.error(notStored(id));
    }

    @DeleteMapping("/v1/responses/{id}")
    public Mono<ResponseEntity<?>> delete(@PathVariable String id) {
        return Mono.error(notStored(id));
    }

    private Flux<ServerSentEvent<String>> events(ChatExchange exchange, ResponsesRequest.Echo echo) {
        return Flux.defer(() -> {
            ResponseEvents events = new ResponseEvents(exchange, echo);
            return Flux.fromIterable(events.start())
                    .concatWith(exchange.replies().concatMapIterable(events::on))
                    .onErrorResume(e -> Flux.fromIterable(events.failed(ChatCompletionsController.errorOf(exchange, e))))
                    .concatWith(Flux.defer(() -> Flux.fromIterable(events.end())))
                    .map(this::sse);
        });
    }

    private ServerSentEvent<String> sse(ResponseEvents.Event event) {
        try {
            return ServerSentEvent.builder(SSE_FIELD_PREFIX + json.writeValueAsString(event))
                    .event(SSE_FIELD_PREFIX + event.type()).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a response event", e);
        }
    }

    private static ApiErrorException notStored(String id) {
        return new ApiErrorException(ApiError.notFound("No response found with id '" + id + "': this gateway "
                + "does not store responses yet (every response is created with store: false).", "not_found"));
    }
}
