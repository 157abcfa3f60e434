package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ChatRequested;

import reactor.core.publisher.Mono;

/** The chat requests already answered, so a redelivered request is not answered (and billed) twice. */
public interface ProcessedRequests {

    Mono<Boolean> isCompleted(String requestId);

    /** Records the request as answered; false when it already was. */
    Mono<Boolean> markCompleted(ChatRequested request, ChatOutcome outcome);
}
