package dev.fleet.gateway.domain;

import java.time.Instant;

import dev.fleet.events.v1.ChatChunk;

import reactor.core.publisher.Flux;

/**
 * A chat request that was accepted, and its reply chunks: those of one answering attempt, in
 * {@code seq} order, without duplicates, ending with its last chunk; failing with
 * {@link ReplyTimeoutException} when the orchestrator goes quiet, or with
 * {@link AttemptChangedException} when a second attempt started after text was streamed.
 * For a non-streaming request the chunks arrive together once the answer is complete.
 * {@code conversationId} is the client's or the one created for it (returned to the client).
 */
public record ChatExchange(String requestId, String model, Instant acceptedAt, Flux<ChatChunk> replies,
        String conversationId) {

    public ChatExchange(String requestId, String model, Instant acceptedAt, Flux<ChatChunk> replies) {
        this(requestId, model, acceptedAt, replies, null);
    }
}
