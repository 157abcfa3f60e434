package dev.fleet.orchestrator.messaging;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.orchestrator.persistence.OutboxRepository;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The gauges {@code fleet.outbox.pending} and {@code fleet.outbox.parked}: the whole outbox (every
 * replica reports the same numbers), counted every {@value #REFRESH_SECONDS} s apart from the relay
 * loop, so they stay current while the relay pauses. NaN until the first count.
 */
final class OutboxBacklogGauges {

    private static final Logger log = LoggerFactory.getLogger(OutboxBacklogGauges.class);
    private static final int REFRESH_SECONDS = 5;

    private final OutboxRepository outbox;
    private volatile double pending = Double.NaN;
    private volatile double parked = Double.NaN;
    private volatile Disposable loop;

    OutboxBacklogGauges(OutboxRepository outbox, MeterRegistry meters) {
        this.outbox = outbox;
        Gauge.builder("fleet.outbox.pending", this, gauges -> gauges.pending)
                .description("Outbox rows waiting to be published")
                .register(meters);
        Gauge.builder("fleet.outbox.parked", this, gauges -> gauges.parked)
                .description("Outbox rows that can never be published, parked for an operator")
                .register(meters);
    }

    /** Counts the outbox once. */
    Mono<Void> refresh() {
        return outbox.backlog()
                .doOnNext(backlog -> {
                    pending = backlog.pending();
                    parked = backlog.parked();
                })
                .onErrorResume(e -> {
                    log.debug("could not count the outbox: {}", e.toString());
                    return Mono.empty();
                })
                .then();
    }

    synchronized void start() {
        if (loop == null) {
            loop = Flux.interval(Duration.ZERO, Duration.ofSeconds(REFRESH_SECONDS))
                    .onBackpressureDrop()
                    .concatMap(tick -> refresh(), 1)
                    .subscribe();
        }
    }

    synchronized void stop() {
        if (loop != null) {
            loop.dispose();
            loop = null;
        }
    }
}
