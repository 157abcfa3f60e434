package dev.fleet.orchestrator.domain.risk.backtest;

import java.time.Duration;

/**
 * Bounds of backtests.
 *
 * @param warmUp how long before {@code from} transactions are replayed to build the accounts' history
 *     (not decided); 24 h covers every windowed feature, not the all-time z-score or merchants
 * @param lateArrival how long after {@code to} records are still read, for transactions produced late
 * @param maxRange the longest {@code to - from}
 * @param maxAccounts the most accounts one backtest holds in memory
 * @param maxRunning backtests one replica runs at once; more are refused (429)
 */
public record BacktestSettings(Duration warmUp, Duration lateArrival, Duration maxRange, int maxAccounts,
        int maxRunning) {
}
