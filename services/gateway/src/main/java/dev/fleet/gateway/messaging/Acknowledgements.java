package dev.fleet.gateway.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.fleet.gateway.domain.EventBusUnavailableException;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Waits for the broker to acknowledge a publish without blocking an event-loop thread: the send
 * itself runs on the bounded-elastic scheduler (the producer may block for metadata up to
 * {@code max.block.ms} when the broker is unreachable). Any failure becomes an
 * {@link EventBusUnavailableException}, which the web layer answers with 503 + Retry-After.
 */
final class Acknowledgements {

    private Acknowledgements() {
    }

    static Mono<Void> of(String what, Supplier<? extends CompletableFuture<?>> send) {
        return Mono.fromFuture(send, true)
                .subscribeOn(Schedulers.boundedElastic())
                .publishOn(Schedulers.boundedElastic()) // the ack completes on the producer's I/O thread: leave it
                .onErrorMap(e -> !(e instanceof EventBusUnavailableException),
                        e -> new EventBusUnavailableException("could not publish " + what + ": " + e.getMessage(), e))
                .then();
    }
}
