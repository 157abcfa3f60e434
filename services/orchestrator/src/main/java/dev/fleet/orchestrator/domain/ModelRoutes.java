package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ChatRequested;

import reactor.core.publisher.Mono;

/**
 * Decides where a chat request goes ({@link RoutePlan}): resolves model aliases and experiments.
 * Fails with a {@link ChatFailure} when the request cannot be routed.
 */
@FunctionalInterface
public interface ModelRoutes {

    /** No aliases: every model name is served as it came. */
    ModelRoutes DIRECT = request -> Mono.just(RoutePlan.direct(request.getModel()));

    Mono<RoutePlan> plan(ChatRequested request);

    /**
     * Told once per request after its last chunk was published, with the plan it was routed by
     * (experiments publish their outcome here). Nothing by default.
     */
    default Mono<Void> finished(RoutePlan plan, ChatRequested request, RouteOutcome outcome, ChatExchange exchange) {
        return Mono.empty();
    }
}
