package dev.fleet.audit.domain;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The append-only audit log. */
public interface AuditLog {

    /**
     * Appends {@code entry} unless an entry with its event id is already there, in one statement.
     *
     * @return true when a row was written, false when the event was already recorded
     */
    Mono<Boolean> append(AuditEntry entry);

    /** Up to {@code limit} events of {@code tenantId} recorded after {@code afterSeq}, in recording order. */
    Flux<AuditedEvent> page(String tenantId, long afterSeq, int limit);
}
