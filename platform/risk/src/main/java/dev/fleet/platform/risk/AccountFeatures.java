package dev.fleet.platform.risk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.TransactionSubmitted;

/**
 * The features of one transaction from its account's state, and the state after it: a pure function,
 * so the scorer's topology and a backtest compute the same numbers.
 *
 * <p>Everything is by event time ({@code occurredAt}), so a transaction that arrives out of order gets
 * the features it would have had in order, as far as the state remembers: the windows (last minute,
 * hour and 24 hours, each ending at and including the transaction; one exactly a window's length
 * earlier is outside it) count the remembered transactions at or before it, never later ones; its
 * previous transaction is the latest one at or before it; its z-score is measured against the amounts
 * of the transactions before it (the later ones are taken back out of the running statistics, Welford's
 * update in reverse). The standard deviation is floored at a tenth of the mean (and 0.01), so that an
 * account that always paid the same amount still scores a jump instead of dividing by zero.
 *
 * <p>Limits: the state remembers 24 hours. A transaction older than the account's latest one by more
 * than that finds no previous transaction ({@code secondsSincePrevious} -1) and counts later ones in
 * its history; {@code firstTimeAtMerchant} looks at the merchants paid so far whatever their time.
 * Amounts are summed as given: an account paying in several currencies has its sums and z-score mixed
 * (no conversion).
 */
public final class AccountFeatures {

    static final long MINUTE = Duration.ofMinutes(1).toMillis();
    static final long HOUR = Duration.ofHours(1).toMillis();
    static final long DAY = Duration.ofHours(24).toMillis();
    private static final double MIN_SPREAD_OF_MEAN = 0.1;
    private static final double MIN_SPREAD = 0.01;

    /**
     * A transaction's features and its account's state after it.
     *
     * @param features what the rules see
     * @param state    what to remember for the account's next transaction
     */
    public record Step(RiskFeatures features, AccountState state) {
    }

    private AccountFeatures() {
    }

    /** The features of {@code tx} (which passed {@link TransactionChecks}) given its account's {@code state}. */
    public static Step next(AccountState state, TransactionSubmitted tx, RiskFeatureSettings settings) {
        long at = tx.getOccurredAt().toEpochMilli();
        double amount = TransactionChecks.amount(tx).doubleValue();
        String device = tx.getDeviceId() == null || tx.getDeviceId().isBlank() ? null : tx.getDeviceId();
        AccountState.Seen seen = new AccountState.Seen(at, amount, device, tx.getCountry(), tx.getTransactionId());

        Window minute = new Window(amount);
        Window hour = new Window(amount);
        Window day = new Window(amount);
        Set<String> devices = new HashSet<>();
        Set<String> countries = new HashSet<>();
        if (device != null) {
            devices.add(device);
        }
        countries.add(seen.country());
        Welford history = new Welford(state.count(), state.mean(), state.m2());
        long previousAt = AccountState.NEVER;
        String previousCountry = null;
        for (AccountState.Seen earlier : state.recent()) {
            if (earlier.at() > at) {
                history = history.without(earlier.amount());
                continue;
            }
            previousAt = earlier.at();
            previousCountry = earlier.country();
            long age = at - earlier.at();
            if (age < DAY) {
                day.add(earlier.amount());
                if (earlier.device() != null) {
                    devices.add(earlier.device());
                }
                countries.add(earlier.country());
            }
            if (age < HOUR) {
                hour.add(earlier.amount());
            }
            if (age < MINUTE) {
                minute.add(earlier.amount());
            }
        }
        if (previousAt == AccountState.NEVER && state.latestAt() != AccountState.NEVER && state.latestAt() <= at) {
            previousAt = state.latestAt(); // the previous one is older than the memory
            previousCountry = state.latestCountry();
        }
        boolean hasPrevious = previousAt != AccountState.NEVER;
        boolean countryChanged = hasPrevious && !seen.country().equals(previousCountry);

        RiskFeatures features = RiskFeatures.newBuilder()
                .setCount1m(minute.count).setSum1m(minute.sum)
                .setCount1h(hour.count).setSum1h(hour.sum)
                .setCount24h(day.count).setSum24h(day.sum)
                .setDistinctDevices24h(devices.size())
                .setDistinctCountries24h(countries.size())
                .setAmountZScore(history.zScore(amount))
                .setHistoryCount(history.count())
                .setFirstTimeAtMerchant(!state.merchants().contains(tx.getMerchant()))
                .setSecondsSincePrevious(hasPrevious ? (at - previousAt) / 1000 : -1)
                .setCountryChanged(countryChanged)
                .setImpossibleTravel(countryChanged && at - previousAt < settings.minTravel().toMillis())
                .build();
        return new Step(features, remember(state, seen, tx.getMerchant(), settings));
    }

    private static AccountState remember(AccountState state, AccountState.Seen seen, String merchant,
            RiskFeatureSettings settings) {
        long latestAt = Math.max(state.latestAt(), seen.at());
        List<AccountState.Seen> recent = new ArrayList<>(state.recent().size() + 1);
        boolean inserted = false;
        for (AccountState.Seen earlier : state.recent()) {
            if (!inserted && earlier.at() > seen.at()) {
                recent.add(seen);
                inserted = true;
            }
            recent.add(earlier);
        }
        if (!inserted) {
            recent.add(seen);
        }
        recent.removeIf(kept -> kept.at() <= latestAt - DAY);
        if (recent.size() > settings.maxWindowTransactions()) {
            recent = recent.subList(recent.size() - settings.maxWindowTransactions(), recent.size());
        }
        List<String> merchants = new ArrayList<>(state.merchants());
        merchants.remove(merchant);
        merchants.add(merchant);
        if (merchants.size() > settings.merchantMemory()) {
            merchants = merchants.subList(merchants.size() - settings.merchantMemory(), merchants.size());
        }
        Welford all = new Welford(state.count(), state.mean(), state.m2()).with(seen.amount());
        boolean latest = seen.at() >= state.latestAt();
        return new AccountState(recent, all.count(), all.mean(), all.m2(), merchants, latestAt,
                latest ? seen.country() : state.latestCountry());
    }

    private static final class Window {
        private int count = 1;
        private double sum;

        Window(double amount) {
            sum = amount;
        }

        void add(double amount) {
            count++;
            sum += amount;
        }
    }

    /** Welford's running count, mean and sum of squared deviations, with its inverse for removing a value. */
    private record Welford(long count, double mean, double m2) {

        Welford with(double x) {
            long n = count + 1;
            double delta = x - mean;
            double newMean = mean + delta / n;
            return new Welford(n, newMean, m2 + delta * (x - newMean));
        }

        Welford without(double x) {
            if (count <= 1) {
                return new Welford(0, 0.0, 0.0);
            }
            long n = count - 1;
            double newMean = (count * mean - x) / n;
            return new Welford(n, newMean, Math.max(0.0, m2 - (x - newMean) * (x - mean)));
        }

        double zScore(double x) {
            if (count < 2) {
                return 0.0;
            }
            double spread = Math.sqrt(m2 / (count - 1));
            return (x - mean) / Math.max(spread, Math.max(MIN_SPREAD_OF_MEAN * Math.abs(mean), MIN_SPREAD));
        }
    }
}
