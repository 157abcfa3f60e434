package dev.fleet.platform.risk;

import java.time.Duration;
import java.util.Objects;

/**
 * How the per-account features are computed, the same for the live scorer and a backtest.
 *
 * @param minTravel            a change of country faster than this is impossible travel (default 1 h)
 * @param merchantMemory       how many of an account's most recently paid merchants are remembered for
 *                             {@code firstTimeAtMerchant} (default 1,000); an older one counts as new again
 * @param maxWindowTransactions the most transactions of the last 24 hours kept per account (default 5,000);
 *                             beyond it the oldest are forgotten, so the 24-hour counts and sums of such a
 *                             busy account undercount
 */
public record RiskFeatureSettings(Duration minTravel, int merchantMemory, int maxWindowTransactions) {

    /** The defaults: 1 h, 1,000 merchants, 5,000 transactions. */
    public static final RiskFeatureSettings DEFAULT = new RiskFeatureSettings(Duration.ofHours(1), 1_000, 5_000);

    public RiskFeatureSettings {
        Objects.requireNonNull(minTravel, "minTravel");
        if (minTravel.isNegative()) {
            throw new IllegalArgumentException("minTravel must not be negative, was " + minTravel);
        }
        if (merchantMemory < 1) {
            throw new IllegalArgumentException("merchantMemory must be at least 1, was " + merchantMemory);
        }
        if (maxWindowTransactions < 1) {
            throw new IllegalArgumentException("maxWindowTransactions must be at least 1, was "
                    + maxWindowTransactions);
        }
    }
}
