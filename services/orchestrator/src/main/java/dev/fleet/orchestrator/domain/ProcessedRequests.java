package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ChatRequested;

import reactor.core.publisher.Mono;

/** The chat requests already answered, so a redelivered request is not answered (and billed) twice. */
public interface ProcessedRequests {

    Mono<Boolean> isCompleted(String requestId);

    /**
     * Records the request as answered and writes its {@code settlement} (usage and closing events),
     * atomically: after a crash either both are there or neither. False, and nothing written, when the
     * request was settled before.
     */
    Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, ChatSettlement settlement);
}
