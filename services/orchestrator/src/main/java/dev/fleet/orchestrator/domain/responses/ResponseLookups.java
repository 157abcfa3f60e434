package dev.fleet.orchestrator.domain.responses;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ResponseLookup;
import dev.fleet.events.v1.ResponseLookupResult;

import reactor.core.publisher.Mono;

/**
 * Answers the gateway's lookups of stored responses: RETRIEVE returns the tenant's response,
 * DELETE removes it and records a {@code ResponseDeleted} domain event in the same transaction.
 * A response of another tenant, past its retention, deleted or never stored is not found
 * (NOT_FOUND_ERROR, the gateway's 404); a store failure is a SERVER_ERROR, never a missing reply.
 */
public class ResponseLookups {

    private final ResponseStore store;
    private final ResponseDeletions deletions;
    private final ResponseRetention retention;

    public ResponseLookups(ResponseStore store, ResponseDeletions deletions, ResponseRetention retention) {
        this.store = store;
        this.deletions = deletions;
        this.retention = retention;
    }

    public Mono<ResponseLookupResult> answer(ResponseLookup lookup) {
        String tenantId = lookup.getTenantId();
        String responseId = lookup.getResponseId();
        Mono<ResponseLookupResult> answer = switch (lookup.getAction()) {
            case RETRIEVE -> store.find(tenantId, responseId, retention.cutoff())
                    .map(found -> result(lookup).setResponse(found).build());
            case DELETE -> store.delete(tenantId, responseId,
                            requestId -> deletions.responseDeleted(tenantId, responseId, requestId, lookup.getActor()))
                    .filter(Boolean::booleanValue)
                    .map(deleted -> result(lookup).setDeleted(true).build());
        };
        return answer
                .switchIfEmpty(Mono.fromSupplier(() -> result(lookup).setError(new ReplyError(
                        ErrorType.NOT_FOUND_ERROR, ErrorCode.INVALID_REQUEST,
                        "Response with id '" + responseId + "' not found.")).build()))
                .onErrorResume(e -> Mono.just(result(lookup).setError(new ReplyError(ErrorType.SERVER_ERROR,
                        ErrorCode.INTERNAL_ERROR, "The stored responses could not be read")).build()));
    }

    private static ResponseLookupResult.Builder result(ResponseLookup lookup) {
        return ResponseLookupResult.newBuilder().setRequestId(lookup.getRequestId()).setResponse(null)
                .setDeleted(false).setError(null);
    }
}
