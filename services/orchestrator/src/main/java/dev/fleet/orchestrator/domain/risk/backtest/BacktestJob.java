package dev.fleet.orchestrator.domain.risk.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A backtest as stored: what it replays, how far it got, its report.
 *
 * @param read records of the topic read so far
 * @param total records to read (the topic from the warm-up's start to its end when the read began)
 * @param report the report when it succeeded, else {@code null}
 * @param error why it failed, else {@code null}
 * @param updatedAt the last progress written; a running backtest whose replica stopped stops updating it
 */
public record BacktestJob(UUID id, UUID tenantId, Instant from, Instant to, int baselineVersion,
        int candidateVersion, BacktestStatus status, long read, long total, BacktestReport report, String error,
        Instant createdAt, Instant updatedAt) {

    /** A running backtest not updated for this long is taken as abandoned (its replica stopped). */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);

    /** This job as it should be shown at {@code now}: a silent running one is failed. */
    public BacktestJob asOf(Instant now) {
        if (status == BacktestStatus.RUNNING && updatedAt.plus(ABANDONED_AFTER).isBefore(now)) {
            return new BacktestJob(id, tenantId, from, to, baselineVersion, candidateVersion, BacktestStatus.FAILED,
                    read, total, null, "abandoned: the replica running it stopped reporting progress at " + updatedAt,
                    createdAt, updatedAt);
        }
        return this;
    }
}
