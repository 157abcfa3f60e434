package dev.fleet.orchestrator.domain;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Background work that runs every {@code interval} while the application runs (the webhook
 * deliveries, the stored responses' purge): one run at a time (a tick during a run is dropped), a
 * failed run logged and the next one tried on time.
 */
public abstract class PeriodicWork implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicWork.class);

    private final String what;
    private final Duration first;
    private final Duration interval;
    private volatile Disposable loop;

    /**
     * @param what     what a run does, for the log ("webhook deliveries could not be worked off")
     * @param first    the delay before the first run
     * @param interval the time between runs
     */
    protected PeriodicWork(String what, Duration first, Duration interval) {
        this.what = what;
        this.first = first;
        this.interval = interval;
    }

    /** One run. */
    protected abstract Mono<?> runOnce();

    @Override
    public void start() {
        loop = Flux.interval(first, interval)
                .onBackpressureDrop()
                .concatMap(tick -> runOnce().onErrorResume(e -> {
                    log.warn("{} failed: {}", what, e.toString());
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
