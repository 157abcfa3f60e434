package dev.fleet.orchestrator.domain.billing;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where price book versions are kept. */
public interface PriceBookStore {

    /** Serialises new versions until the transaction ends (two admins never get the same number). */
    Mono<Void> lockVersions();

    /** The highest version, if any. */
    Mono<PriceBookVersion> latest();

    Mono<Void> insert(PriceBookVersion version);

    /** Every version, in version order. */
    Flux<PriceBookVersion> all();

    Mono<PriceBookVersion> find(int version);
}
