package dev.fleet.audit.domain;

import java.time.Instant;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The append-only, per-tenant hash-chained audit log. */
public interface AuditLog {

    /**
     * Appends {@code entries}, in order, each to the end of its tenant's chain, skipping those whose
     * event id is already recorded; all or none (one transaction). Writers of the same tenant are
     * serialized, so a chain never forks.
     *
     * @return the number of rows written
     */
    Mono<Integer> append(List<AuditEntry> entries);

    /** Up to {@code limit} events of {@code tenantId} recorded after {@code afterSeq}, in recording order. */
    default Flux<AuditedEvent> page(String tenantId, long afterSeq, int limit) {
        return page(tenantId, null, afterSeq, limit);
    }

    /**
     * Up to {@code limit} events of {@code tenantId} of type {@code type} (every type when null)
     * recorded after {@code afterSeq}, in recording order.
     */
    Flux<AuditedEvent> page(String tenantId, String type, long afterSeq, int limit);

    /** The tenant's events that occurred in [{@code from}, {@code to}), in chain order, streamed. */
    Flux<AuditedEvent> export(String tenantId, Instant from, Instant to);

    /** The tenant's chained rows in position order, streamed. */
    Flux<AuditedEvent> chain(String tenantId);
}
