package dev.fleet.orchestrator.domain;

import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Who made a control-plane change, carried in the Reactor context of the request that makes it: the JSON
 * admin API (one shared bearer token) is {@value #ADMIN}; the console puts the signed-in name there, so
 * the domain events of a change made in the console name the person who made it.
 */
public final class Actors {

    /** The actor of a change made with the admin token through the JSON API. */
    public static final String ADMIN = "admin";

    private static final Class<Actors> KEY = Actors.class;

    private Actors() {
    }

    /** The actor of the change being made: the context's, else {@value #ADMIN}. */
    public static Mono<String> current() {
        return Mono.deferContextual(context -> Mono.just(context.getOrDefault(KEY, ADMIN)));
    }

    /** For {@code contextWrite}: changes made downstream are {@code actor}'s. */
    public static Function<Context, Context> as(String actor) {
        return context -> context.put(KEY, actor);
    }
}
