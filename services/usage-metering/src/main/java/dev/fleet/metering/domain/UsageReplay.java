package dev.fleet.metering.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Reads the usage of a past range again, outside metering, to price it differently (shadow re-pricing). */
public interface UsageReplay {

    /**
     * The usage that occurred in {@code [from, to)}, per tenant and day, as far as the usage topic still
     * holds it; {@link SimulationTimeoutException} after {@code timeout}.
     */
    Replayed replay(Instant from, Instant to, Duration timeout);

    /**
     * @param usage          per tenant, the daily usage read
     * @param recordsTotal   the records between the start offsets and the end offsets at the start of the replay
     * @param recordsRead    the records read (all of them unless the replay stopped early)
     * @param recordsInRange the distinct usage records that occurred in the range
     * @param duplicates     records skipped because their {@code event-id} was already read
     * @param unreadable     records skipped because they could not be decoded or were invalid
     */
    record Replayed(Map<String, List<DailyUsage>> usage, long recordsTotal, long recordsRead, long recordsInRange,
            long duplicates, long unreadable) {
    }

    /** The replay did not finish in time. */
    class SimulationTimeoutException extends RuntimeException {

        public SimulationTimeoutException(String message) {
            super(message);
        }
    }
}
