package dev.fleet.orchestrator.domain.risk.backtest;

import java.time.Instant;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Backtests and their progress, so any replica answers for a backtest another one runs. */
public interface BacktestStore {

    Mono<Void> insert(BacktestJob job);

    Mono<Void> progress(UUID id, long read, long total, Instant now);

    Mono<Void> finish(UUID id, BacktestStatus status, long read, long total, BacktestReport report, String error,
            Instant now);

    Mono<BacktestJob> find(UUID tenantId, UUID id);

    /** The tenant's most recent backtests first. */
    Flux<BacktestJob> recent(UUID tenantId, int limit);
}
