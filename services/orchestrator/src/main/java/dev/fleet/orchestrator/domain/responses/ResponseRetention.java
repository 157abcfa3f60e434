package dev.fleet.orchestrator.domain.responses;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How long stored responses are kept ({@code FLEET_RESPONSES_RETENTION}), counted from their
 * creation: an older response is not found any more, and a periodic purge deletes it. Limits: each
 * replica purges (the DELETE is idempotent, so that is harmless); a purge deletes without a domain
 * event (the retention is the tenant's contract, not a tenant's request).
 */
public class ResponseRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ResponseRetention.class);

    private final ResponseStore store;
    private final Clock clock;
    private final Duration retention;
    private final Duration purgeInterval;
    private volatile Disposable loop;

    public ResponseRetention(ResponseStore store, Clock clock, Duration retention, Duration purgeInterval) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        this.purgeInterval = purgeInterval;
    }

    /** The oldest creation time of a response still kept. */
    public Instant cutoff() {
        return clock.instant().minus(retention);
    }

    /** Deletes every response past its retention; emits how many. */
    public Mono<Long> purge() {
        return store.purgeCreatedBefore(cutoff()).doOnNext(purged -> {
            if (purged > 0) {
                log.info("purged {} stored response(s) older than {}", purged, retention);
            }
        });
    }

    @Override
    public void start() {
        loop = Flux.interval(Duration.ZERO, purgeInterval)
                .onBackpressureDrop()
                .concatMap(tick -> purge().onErrorResume(e -> {
                    log.warn("stored responses could not be purged: {}", e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = loop;
        if (running != null) {
            running.dispose();
        }
        loop = null;
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
