package dev.fleet.orchestrator.domain.responses;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.orchestrator.domain.PeriodicWork;

import reactor.core.publisher.Mono;

/**
 * How long stored responses are kept ({@code FLEET_RESPONSES_RETENTION}), counted from their
 * creation: an older response is not found any more, and a periodic purge deletes it. Limits: each
 * replica purges (the DELETE is idempotent, so that is harmless); a purge deletes without a domain
 * event (the retention is the tenant's contract, not a tenant's request).
 */
public class ResponseRetention extends PeriodicWork {

    private static final Logger log = LoggerFactory.getLogger(ResponseRetention.class);

    private final ResponseStore store;
    private final Clock clock;
    private final Duration retention;

    public ResponseRetention(ResponseStore store, Clock clock, Duration retention, Duration purgeInterval) {
        super("purging stored responses", Duration.ZERO, purgeInterval);
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    /** The oldest creation time of a response still kept. */
    public Instant cutoff() {
        return clock.instant().minus(retention);
    }

    @Override
    protected Mono<Long> runOnce() {
        return purge();
    }

    /** Deletes every response past its retention; emits how many. */
    public Mono<Long> purge() {
        return store.purgeCreatedBefore(cutoff()).doOnNext(purged -> {
            if (purged > 0) {
                log.info("purged {} stored response(s) older than {}", purged, retention);
            }
        });
    }
}
