package dev.fleet.orchestrator.domain.responses;

import reactor.core.publisher.Mono;

/**
 * Records that a stored response was deleted, as a {@code ResponseDeleted} domain event (ids only,
 * never content). Implemented with the transactional outbox, so it must run in the deleting
 * transaction.
 */
public interface ResponseDeletions {

    Mono<Void> responseDeleted(String tenantId, String responseId, String requestId, String actor);
}
