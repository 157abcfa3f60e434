package dev.fleet.orchestrator.domain.risk.backtest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.platform.risk.CompiledRuleSet;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.platform.risk.RiskRuleSets;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs backtests: a candidate rule-set version against the version in force over a time range of the
 * tenant's transactions, read from {@code fleet.transactions.v1} by a consumer of its own (no group,
 * no commits, nothing of the scorer's state touched). {@link #start} answers at once with the running
 * backtest; the replay runs on a thread of this replica, writing its progress about once a second,
 * and any replica answers {@link #find} from the store.
 */
public class Backtests implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Backtests.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final RuleSetLookup rules;
    private final BacktestStore store;
    private final TransactionSource source;
    private final RiskFeatureSettings features;
    private final BacktestSettings settings;
    private final Clock clock;
    private final Semaphore running;
    private final ExecutorService executor;

    public Backtests(RuleSetLookup rules, BacktestStore store, TransactionSource source, RiskFeatureSettings features,
            BacktestSettings settings, Clock clock) {
        this.rules = rules;
        this.store = store;
        this.source = source;
        this.features = features;
        this.settings = settings;
        this.clock = clock;
        this.running = new Semaphore(settings.maxRunning());
        this.executor = Executors.newFixedThreadPool(settings.maxRunning(), runnable -> {
            Thread thread = new Thread(runnable, "risk-backtest");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts a backtest of {@code candidate} against {@code baseline} (null: the version in force).
     * Empty when the tenant does not exist; {@link BacktestRequestException} for a bad range, an
     * unknown version, or when this replica already runs as many backtests as it may.
     */
    public Mono<BacktestJob> start(UUID tenantId, Instant from, Instant to, int candidate, Integer baseline) {
        if (from == null || to == null || !from.isBefore(to)) {
            return Mono.error(new BacktestRequestException(BacktestRequestException.Reason.INVALID,
                    "'from' must be before 'to'"));
        }
        if (Duration.between(from, to).compareTo(settings.maxRange()) > 0) {
            return Mono.error(new BacktestRequestException(BacktestRequestException.Reason.INVALID,
                    "the range is longer than " + settings.maxRange() + " (FLEET_RISK_BACKTEST_MAX_RANGE)"));
        }
        return rules.tenantExists(tenantId).filter(Boolean::booleanValue)
                .flatMap(exists -> baseline != null ? Mono.just(baseline) : rules.activeVersion(tenantId))
                .flatMap(baselineVersion -> compiled(tenantId, baselineVersion)
                        .zipWith(compiled(tenantId, candidate)))
                .flatMap(pair -> launch(tenantId, from, to, pair.getT1(), pair.getT2()));
    }

    /** The backtest, as it stands (a running one whose replica stopped shows as failed). */
    public Mono<BacktestJob> find(UUID tenantId, UUID id) {
        return store.find(tenantId, id).map(job -> job.asOf(clock.instant()));
    }

    /** The tenant's most recent backtests. */
    public Flux<BacktestJob> recent(UUID tenantId, int limit) {
        return store.recent(tenantId, limit).map(job -> job.asOf(clock.instant()));
    }

    private Mono<CompiledRuleSet> compiled(UUID tenantId, int version) {
        return rules.version(tenantId, version)
                .switchIfEmpty(Mono.error(() -> new BacktestRequestException(BacktestRequestException.Reason.NOT_FOUND,
                        "the tenant has no rule-set version " + version)))
                .map(RiskRuleSets::compile);
    }

    private Mono<BacktestJob> launch(UUID tenantId, Instant from, Instant to, CompiledRuleSet baseline,
            CompiledRuleSet candidate) {
        if (!running.tryAcquire()) {
            return Mono.error(new BacktestRequestException(BacktestRequestException.Reason.BUSY,
                    "this replica already runs " + settings.maxRunning()
                            + " backtest(s) (FLEET_RISK_BACKTEST_MAX_RUNNING); try again when one has finished"));
        }
        Instant now = clock.instant();
        BacktestJob job = new BacktestJob(UUID.randomUUID(), tenantId, from, to, version(baseline.version()),
                version(candidate.version()), BacktestStatus.RUNNING, 0, 0, null, null, now, now);
        return store.insert(job)
                .then(Mono.fromCallable(() -> {
                    executor.execute(() -> run(job, baseline, candidate));
                    return job;
                }))
                .doOnError(e -> running.release())
                .onErrorMap(RejectedExecutionException.class, e -> new BacktestRequestException(
                        BacktestRequestException.Reason.BUSY, "backtests are shutting down on this replica"));
    }

    private void run(BacktestJob job, CompiledRuleSet baseline, CompiledRuleSet candidate) {
        BacktestReplay replay = new BacktestReplay(job.tenantId().toString(), job.from(), job.to(), baseline, candidate,
                features, settings.maxAccounts());
        long[] progress = new long[2];
        Instant[] lastWrite = {clock.instant()};
        try {
            long undecodable = source.read(job.from().minus(settings.warmUp()), job.to().plus(settings.lateArrival()),
                    replay::accept, (read, total) -> {
                        progress[0] = read;
                        progress[1] = total;
                        Instant now = clock.instant();
                        if (Duration.between(lastWrite[0], now).compareTo(PROGRESS_EVERY) >= 0) {
                            lastWrite[0] = now;
                            store.progress(job.id(), read, total, now).block();
                        }
                    });
            BacktestReport report = replay.report(undecodable);
            store.finish(job.id(), BacktestStatus.SUCCEEDED, progress[0], progress[1], report, null, clock.instant())
                    .block();
            log.info("backtest {} of tenant {}: {} transactions decided, {} changed", job.id(), job.tenantId(),
                    report.decided(), report.changed());
        } catch (RuntimeException e) {
            log.warn("backtest {} of tenant {} failed: {}", job.id(), job.tenantId(), e.toString());
            try {
                store.finish(job.id(), BacktestStatus.FAILED, progress[0], progress[1], null,
                        String.valueOf(e.getMessage()), clock.instant()).block();
            } catch (RuntimeException storeFailure) {
                log.warn("backtest {}: could not store its failure: {}", job.id(), storeFailure.toString());
            }
        } finally {
            running.release();
        }
    }

    private static int version(RiskRuleSetVersion version) {
        return version.getVersion();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
