package dev.fleet.orchestrator.domain.risk.backtest;

/** A backtest that cannot start as asked (bad range, unknown version, too many running). */
public final class BacktestRequestException extends RuntimeException {

    /** Why. */
    public enum Reason {
        INVALID, NOT_FOUND, BUSY
    }

    private final Reason reason;

    public BacktestRequestException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
