package dev.fleet.orchestrator.domain;

import java.util.Set;

import dev.fleet.events.v1.ChatRequested;

import reactor.core.publisher.Flux;

/**
 * Generates the answer to a chat request, as a stream of text pieces. A provider signals failure
 * with a {@link ChatFailure} (anything else is reported as an internal error), and must not hang:
 * it bounds its own waiting; the {@link ChatService} adds an overall deadline on top.
 */
public interface ChatProvider {

    /** The provider's name, as {@code ModelTarget.provider} names it (e.g. openai, extractive). */
    String name();

    /** The model names this provider answers to. */
    Set<String> models();

    /** The answer to {@code request}; {@code exchange} reaches the rest of the fleet on its behalf. */
    Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange);
}
