package dev.fleet.orchestrator.domain.responses;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import dev.fleet.events.v1.StoredResponse;

import reactor.core.publisher.Mono;

/** Where the Responses API's stored responses are kept, each owned by one tenant. */
public interface ResponseStore {

    /** Stores (or, for a re-answered request, replaces) the tenant's response. */
    Mono<Void> save(String tenantId, StoredResponse response);

    /** The tenant's response created at or after {@code notBefore}; empty when there is none. */
    Mono<StoredResponse> find(String tenantId, String responseId, Instant notBefore);

    /**
     * The tenant's response and the ones it continues (following {@code previousResponseId}), newest
     * first, at most {@code limit}, each created at or after {@code notBefore}; the chain ends at the
     * first one missing. Empty list when the response itself is missing.
     */
    Mono<List<StoredResponse>> chain(String tenantId, String responseId, Instant notBefore, int limit);

    /**
     * Deletes the tenant's response and, in the same transaction, runs {@code alsoInTransaction} with
     * the id of the request that had produced it. Emits true when a response was deleted, false when
     * the tenant had none with that id (nothing else runs).
     */
    Mono<Boolean> delete(String tenantId, String responseId, Function<String, Mono<Void>> alsoInTransaction);

    /** Deletes every response created before {@code cutoff}; emits how many. */
    Mono<Long> purgeCreatedBefore(Instant cutoff);
}
