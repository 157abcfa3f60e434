package dev.fleet.gateway.messaging;

import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.platform.kafka.OrderedSends;

import reactor.core.publisher.Mono;

/**
 * The gateway's reading of a publish: a send through the fleet's {@link OrderedSends} (off the event
 * loop, acknowledged off the producer's I/O thread), whose failure becomes an
 * {@link EventBusUnavailableException}, which the web layer answers with 503 + Retry-After.
 */
final class Acknowledgements {

    private Acknowledgements() {
    }

    static Mono<Void> of(String what, Mono<?> sent) {
        return sent
                .onErrorMap(e -> !(e instanceof EventBusUnavailableException),
                        e -> new EventBusUnavailableException("could not publish " + what + ": " + e.getMessage(), e))
                .then();
    }
}
