package dev.fleet.orchestrator.domain.risk.backtest;

/** Where a backtest is. */
public enum BacktestStatus {
    /** Reading the topic; its progress counts up. */
    RUNNING,
    /** Done; its report is complete. */
    SUCCEEDED,
    /** Stopped with an error (too many accounts, the topic unreadable, the replica running it gone). */
    FAILED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
