package dev.fleet.platform.kafka;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;

import reactor.core.publisher.Mono;

/**
 * Carries the observation a reactive request runs in (WebFlux keeps its HTTP server observation in the
 * Reactor context, not on a thread) onto the thread that assembles the work of the request, for just
 * that moment: {@link #defer} is {@link Mono#defer} with the observation's scope open while the supplier
 * runs, so an {@link EventContext#newEvent} created there continues the HTTP server span, and the
 * record's producer span (decision 0038) is its child — without Reactor's automatic context propagation,
 * which restores thread-locals around every operator of every request (decision 0052).
 * <p>
 * Limits: only what the supplier does synchronously sees the scope; operators it returns run without
 * it (the trace travels in the {@link EventContext}). Without an observation in the context (no
 * tracing, a call outside a request) it is plain {@link Mono#defer}.
 */
public final class RequestObservation {

    private RequestObservation() {
    }

    /** {@link Mono#defer}, the supplier called with the Reactor context's observation current. */
    public static <T> Mono<T> defer(Supplier<? extends Mono<? extends T>> supplier) {
        return Mono.deferContextual(context -> {
            Object observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            if (!(observation instanceof Observation current) || current.isNoop()) {
                return supplier.get();
            }
            try (Observation.Scope scope = current.openScope()) {
                return supplier.get();
            }
        });
    }
}
