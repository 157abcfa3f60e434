package dev.fleet.platform.risk;

import java.util.List;
import java.util.Objects;

/**
 * What the scorer remembers of one account, all it needs to compute the next transaction's features
 * ({@link AccountFeatures}): the transactions of the last 24 hours by event time (oldest first), the
 * running mean and spread (Welford) of every amount seen, the merchants most recently paid (oldest
 * first) and the latest transaction's time and country. Immutable; {@link AccountStateCodec} stores it.
 *
 * @param recent      the transactions within 24 hours of {@code latestAt}, by time (ties in arrival order)
 * @param count       how many amounts {@code mean} and {@code m2} summarize
 * @param mean        their mean
 * @param m2          their sum of squared deviations from the mean (Welford)
 * @param merchants   the merchants paid, least recently paid first, at most the configured memory
 * @param latestAt    the latest transaction's time (epoch milliseconds), {@link #NEVER} before the first
 * @param latestCountry the latest transaction's country, {@code null} before the first
 */
public record AccountState(List<Seen> recent, long count, double mean, double m2, List<String> merchants,
        long latestAt, String latestCountry) {

    /** {@link #latestAt} of an account without transactions. */
    public static final long NEVER = Long.MIN_VALUE;

    /** An account the scorer has not seen. */
    public static final AccountState EMPTY = new AccountState(List.of(), 0, 0.0, 0.0, List.of(), NEVER, null);

    /**
     * One remembered transaction.
     *
     * @param at            when it occurred (epoch milliseconds)
     * @param amount        its amount, in the account's currency as given
     * @param device        its device, {@code null} when unknown
     * @param country       its country
     * @param transactionId its id, for recognising a duplicate
     */
    public record Seen(long at, double amount, String device, String country, String transactionId) {

        public Seen {
            Objects.requireNonNull(country, "country");
            Objects.requireNonNull(transactionId, "transactionId");
        }
    }

    public AccountState {
        recent = List.copyOf(recent);
        merchants = List.copyOf(merchants);
    }

    /** Whether a transaction with this id is among those remembered (the last 24 hours). */
    public boolean remembers(String transactionId) {
        for (Seen seen : recent) {
            if (seen.transactionId().equals(transactionId)) {
                return true;
            }
        }
        return false;
    }
}
