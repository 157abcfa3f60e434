package dev.fleet.orchestrator.domain.risk.backtest;

/** A backtest that would hold more accounts than allowed; it fails with this message. */
public final class BacktestTooLargeException extends RuntimeException {

    public BacktestTooLargeException(String message) {
        super(message);
    }
}
