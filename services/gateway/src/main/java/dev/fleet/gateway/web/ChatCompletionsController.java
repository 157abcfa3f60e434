package dev.fleet.gateway.web;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.AttemptChangedException;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.ChatCommand;
import dev.fleet.gateway.domain.ChatCompletions;
import dev.fleet.gateway.domain.ChatExchange;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.gateway.domain.ReplyTimeoutException;
import dev.fleet.platform.web.ApiError;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/chat/completions}: validates, hands the request to the orchestrator and answers
 * with its chunks, as Server-Sent Events ({@code stream: true}) or one JSON completion. The
 * request is published (and acknowledged) before the response starts, so a Kafka outage is a
 * clean 503 even for streams; a failure after that is an error event followed by {@code [DONE]} (with
 * {@code stream_options.include_usage}, the error event also carries the {@code usage} billed for
 * the text streamed before it), also when a redelivered request was answered again after text had
 * been streamed ({@code reply_restarted}, never a clean finish nor text of two attempts).
 */
@RestController
public class ChatCompletionsController {

    private static final Logger log = LoggerFactory.getLogger(ChatCompletionsController.class);

    /** The conversation a chat belongs to (the client's {@code metadata.conversation_id} or a new one). */
    public static final String CONVERSATION_HEADER = "x-fleet-conversation-id";

    /**
     * Spring writes {@code data:} + the data; the leading space yields OpenAI's exact
     * {@code data: {...}} framing, and SSE parsers drop that one space again.
     */
    private static final String SSE_DATA_PREFIX = " ";
    private static final ServerSentEvent<String> DONE = ServerSentEvent.builder(SSE_DATA_PREFIX + "[DONE]").build();

    private final ChatCompletions chat;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final RequestLimits limits;

    public ChatCompletionsController(ChatCompletions chat, ModelCatalog catalog, ObjectMapper json,
            FleetGatewayProperties properties) {
        this.chat = chat;
        this.catalog = catalog;
        this.json = json;
        this.limits = RequestLimits.of(properties);
    }

    @PostMapping("/v1/chat/completions")
    public Mono<ResponseEntity<?>> complete(@RequestAttribute(ApiKeyAuthenticationFilter.CALLER) Caller caller,
            @RequestBody ChatCompletionRequest body) {
        ChatCommand command = body.toCommand(catalog, limits);
        return chat.submit(caller, command).flatMap(exchange -> command.stream()
                ? Mono.just(ResponseEntity.ok().header(CONVERSATION_HEADER, exchange.conversationId())
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(events(exchange, command.includeUsage())))
                : exchange.replies().collectList()
                        .map(chunks -> ResponseEntity.ok().header(CONVERSATION_HEADER, exchange.conversationId())
                                .body(OpenAiChatFormat.completion(exchange, chunks))));
    }

    private Flux<ServerSentEvent<String>> events(ChatExchange exchange, boolean includeUsage) {
        AtomicBoolean first = new AtomicBoolean(true);
        return exchange.replies()
                .concatMap(chunk -> {
                    ServerSentEvent<String> event = event(exchange, chunk, first.getAndSet(false), includeUsage);
                    return includeUsage ? Flux.concat(Mono.just(event), Mono.justOrEmpty(
                            OpenAiChatFormat.usageChunk(exchange, chunk)).map(this::data)) : Mono.just(event);
                })
                .onErrorResume(e -> Mono.just(data(errorOf(exchange, e).body())))
                .concatWith(Mono.just(DONE));
    }

    /** A chunk as its event; an error event tells the usage billed before it when the client asked for usage. */
    private ServerSentEvent<String> event(ChatExchange exchange, ChatChunk chunk, boolean first, boolean includeUsage) {
        return OpenAiChatFormat.error(chunk)
                .map(error -> data(includeUsage ? OpenAiChatFormat.withUsage(error.body(), chunk) : error.body()))
                .orElseGet(() -> data(OpenAiChatFormat.chunk(exchange, chunk, first)));
    }

    /** The error a reply stream failed with, as the client gets it (shared with {@link ResponsesController}). */
    static ApiError errorOf(ChatExchange exchange, Throwable e) {
        if (e instanceof ReplyTimeoutException) {
            return ApiError.timeout(e.getMessage());
        }
        if (e instanceof AttemptChangedException) { // a redelivery restarted the answer mid-stream
            return new ApiError(HttpStatus.BAD_GATEWAY, e.getMessage(), "server_error", null, "reply_restarted");
        }
        if (e instanceof EventBusUnavailableException) { // e.g. its reply partition moved: retryable
            return ApiError.unavailable(e.getMessage(), "service_unavailable");
        }
        log.error("chat stream {} failed", exchange.requestId(), e);
        return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "the completion failed",
                "server_error", null, "internal_error");
    }

    private ServerSentEvent<String> data(Object payload) {
        try {
            return ServerSentEvent.builder(SSE_DATA_PREFIX + json.writeValueAsString(payload)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a chat chunk", e);
        }
    }
}
