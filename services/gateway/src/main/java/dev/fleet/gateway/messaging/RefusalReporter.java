package dev.fleet.gateway.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.SecurityEvents;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code interval}, publishes the refusal tallies of the minutes that have ended; on
 * shutdown, those of the current minute too. A tally that cannot be published is tried again at
 * the next round, with the same event id, for up to {@link #GIVE_UP_AFTER}.
 */
public final class RefusalReporter implements SmartLifecycle {

    /** How long an unpublishable tally is retried before it is dropped (and logged). */
    public static final Duration GIVE_UP_AFTER = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(RefusalReporter.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final RefusalCounter counter;
    private final SecurityEvents events;
    private final Duration interval;
    private final List<RefusalCounter.Tally> retries = new ArrayList<>(); // guarded by this
    private volatile ScheduledExecutorService scheduler;

    public RefusalReporter(RefusalCounter counter, SecurityEvents events, Duration interval) {
        this.counter = counter;
        this.events = events;
        this.interval = interval;
    }

    /** Publishes what is due ({@code all}: every minute, the current one too); emits how many were published. */
    public Mono<Integer> flush(boolean all) {
        List<RefusalCounter.Tally> due;
        synchronized (this) {
            due = new ArrayList<>(retries);
            retries.clear();
        }
        due.addAll(counter.drain(all));
        return Flux.fromIterable(due)
                .concatMap(tally -> events.refusals(tally).thenReturn(1).onErrorResume(e -> {
                    retryLater(tally, e);
                    return Mono.just(0);
                }))
                .reduce(0, Integer::sum);
    }

    private synchronized void retryLater(RefusalCounter.Tally tally, Throwable failure) {
        if (tally.minuteStart().isBefore(Instant.now().minus(GIVE_UP_AFTER))) {
            log.error("dropping the refusal counts of tenant {} for {}: not published within {} ({})",
                    tally.tenantId(), tally.minuteStart(), GIVE_UP_AFTER, failure.toString());
            return;
        }
        retries.add(tally);
    }

    @Override
    public void start() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "refusal-reporter");
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(() -> {
            try {
                flush(false).block();
            } catch (RuntimeException e) {
                log.warn("publishing refusal counts failed: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        scheduler = s;
    }

    @Override
    public void stop() {
        ScheduledExecutorService s = scheduler;
        scheduler = null;
        if (s != null) {
            s.shutdownNow();
        }
        try {
            flush(true).block(SHUTDOWN_WAIT);
        } catch (RuntimeException e) {
            log.warn("could not publish the last refusal counts at shutdown: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }

    @Override
    public int getPhase() {
        // stops before the producer and after the web server
        return Integer.MAX_VALUE - 3072;
    }
}
