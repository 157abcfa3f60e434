package dev.fleet.gateway.domain;

import reactor.core.publisher.Mono;

/** Announces refused requests to governance (the audit log). */
public interface SecurityEvents {

    /** Publishes one tally; completes when it is acknowledged. */
    Mono<Void> refusals(RefusalCounter.Tally tally);
}
