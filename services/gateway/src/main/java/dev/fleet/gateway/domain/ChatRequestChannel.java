package dev.fleet.gateway.domain;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Hands a chat request to the orchestrator and returns where its reply chunks will arrive. */
public interface ChatRequestChannel {

    /**
     * Starts listening for the replies to {@code request}, then sends it. The Mono emits once the
     * request is durably accepted; the inner Flux emits the reply chunks as they come and completes
     * after the last one. Fails with {@link EventBusUnavailableException} when the request cannot be sent.
     */
    Mono<Flux<ChatChunk>> send(ChatRequested request);
}
