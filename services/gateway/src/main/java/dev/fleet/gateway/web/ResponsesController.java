package dev.fleet.gateway.web;


import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.ChatCompletions;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.gateway.domain.ResponseNotFoundException;
import dev.fleet.gateway.domain.StoredResponses;
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
 * Stored responses (decision 0029) are the orchestrator's: {@code GET} / {@code DELETE
 * /v1/responses/{id}} and {@code input_items} ask it over Kafka ({@link StoredResponses}); another
 * tenant's id is OpenAI's 404. A {@code previous_response_id} is looked up first, so an unknown one
 * is OpenAI's 400 {@code previous_response_not_found} before anything starts.
 */
@RestController
public class ResponsesController {

    /** Spring writes {@code event:}/{@code data:} + the value; the space yields OpenAI's {@code data: {...}} framing. */
    private static final String SSE_FIELD_PREFIX = " ";

    private final ChatCompletions chat;
    private final StoredResponses stored;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final RequestLimits limits;

    public ResponsesController(ChatCompletions chat, StoredResponses stored, ModelCatalog catalog, ObjectMapper json,
            FleetGatewayProperties properties) {
        this.chat = chat;
        this.stored = stored;
        this.catalog = catalog;
        this.json = json;
        this.limits = RequestLimits.of(properties);
    }

    @PostMapping("/v1/responses")
    public Mono<ResponseEntity<?>> create(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @RequestBody ResponsesRequest body) {
        ResponsesRequest.Bridged request = body.toCommand(catalog, limits);
        String previous = body.previousResponseId();
        // a continued response that is not there is OpenAI's 400 before anything starts, streamed or not
        Mono<?> previousKnown = previous == null ? Mono.empty() : stored.retrieve(caller, previous)
                .onErrorMap(ResponseNotFoundException.class, e -> previousNotFound(previous));
        return previousKnown.then(chat.submit(caller, request.command())).flatMap(exchange -> request.command().stream()
                ? Mono.just(ResponseEntity.ok()
                        .header(ChatCompletionsController.CONVERSATION_HEADER, exchange.conversationId())
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(events(exchange, request.echo())))
                : exchange.replies().collectList()
                        .map(chunks -> ResponseEntity.ok()
                                .header(ChatCompletionsController.CONVERSATION_HEADER, exchange.conversationId())
                                .body(OpenAiResponsesFormat.response(exchange, request.echo(), chunks))));
    }

    @GetMapping("/v1/responses/{id}")
    public Mono<OpenAiResponsesFormat.Response> retrieve(
            @RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller, @PathVariable String id) {
        return stored.retrieve(caller, id).map(OpenAiResponsesFormat::stored).onErrorMap(
                ResponseNotFoundException.class, ResponsesController::notFound);
    }

    @GetMapping("/v1/responses/{id}/input_items")
    public Mono<OpenAiResponsesFormat.InputItems> inputItems(
            @RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller, @PathVariable String id,
            @RequestParam(defaultValue = "desc") String order, @RequestParam(required = false) String after,
            @RequestParam(defaultValue = "20") int limit) {
        if (!"asc".equals(order) && !"desc".equals(order)) {
            return Mono.error(new ApiErrorException(ApiError.invalidRequest("order must be asc or desc", "order")));
        }
        if (limit < 1 || limit > 100) {
            return Mono.error(new ApiErrorException(ApiError.invalidRequest("limit must be between 1 and 100",
                    "limit")));
        }
        return stored.retrieve(caller, id)
                .map(response -> OpenAiResponsesFormat.inputItems(response, "asc".equals(order), after, limit))
                .onErrorMap(ResponseNotFoundException.class, ResponsesController::notFound);
    }

    @DeleteMapping("/v1/responses/{id}")
    public Mono<Deleted> delete(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @PathVariable String id) {
        return stored.delete(caller, id).thenReturn(new Deleted(id, "response", true))
                .onErrorMap(ResponseNotFoundException.class, ResponsesController::notFound);
    }

    /** OpenAI's answer to a deletion. */
    public record Deleted(String id, String object, boolean deleted) {
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

    /** OpenAI's 404 for a response the caller's tenant does not have. */
    private static ApiErrorException notFound(ResponseNotFoundException e) {
        return new ApiErrorException(new ApiError(HttpStatus.NOT_FOUND, e.getMessage(), "invalid_request_error",
                null, null));
    }

    /** OpenAI's 400 for a {@code previous_response_id} the caller's tenant does not have. */
    private static ApiErrorException previousNotFound(String id) {
        return new ApiErrorException(new ApiError(HttpStatus.BAD_REQUEST, "Previous response with id '" + id
                + "' not found.", "invalid_request_error", "previous_response_id", "previous_response_not_found"));
    }
}
