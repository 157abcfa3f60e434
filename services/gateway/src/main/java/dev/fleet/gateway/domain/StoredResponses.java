package dev.fleet.gateway.domain;

import dev.fleet.events.v1.StoredResponse;

import reactor.core.publisher.Mono;

/**
 * The Responses API's stored responses, which the orchestrator keeps: only the caller's tenant sees
 * its own. A response that is not the tenant's (or not there) fails with
 * {@link ResponseNotFoundException}.
 */
public interface StoredResponses {

    /** The caller's stored response. */
    Mono<StoredResponse> retrieve(Caller caller, String responseId);

    /** Deletes the caller's stored response (a domain event records it); completes once it is gone. */
    Mono<Void> delete(Caller caller, String responseId);
}
