package dev.fleet.orchestrator.domain.routing;

import dev.fleet.events.v1.ModelAlias;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The model aliases as the admin API changes them: the source of truth the topic is written from. */
public interface AliasStore {

    /** The alias, locked until the transaction ends (changes to one alias are serialised); empty if none. */
    Mono<ModelAlias> lock(String alias);

    Mono<ModelAlias> find(String alias);

    Flux<ModelAlias> all();

    /** Creates or replaces the alias; true when it was created. */
    Mono<Boolean> save(ModelAlias alias);

    Mono<Void> delete(String alias);
}
