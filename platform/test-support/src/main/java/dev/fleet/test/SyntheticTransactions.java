package dev.fleet.test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.TransactionSubmitted;

/**
 * A reproducible week of card payments for the risk proof: accounts that pay a handful of merchants
 * in their home country from one or two devices at amounts around their own typical amount, some of
 * them travelling abroad for two days, plus two injected fraud patterns:
 * <ul>
 *   <li>a burst across countries: six payments within five minutes from four countries on one account;
 *       its first three cannot be told from a traveller yet (three payments are not a burst), so they are
 *       generated as {@link Kind#NORMAL} and count against the false-positive budget, the rest are
 *       {@link Kind#FRAUD};</li>
 *   <li>an amount far above the account's history: one payment of 15 to 25 times its typical amount at
 *       a merchant it never paid, after at least eight ordinary ones ({@link Kind#FRAUD}).</li>
 * </ul>
 * Used by the scorer's topology proof and the end-to-end risk test.
 */
public final class SyntheticTransactions {

    /** Whether a transaction is one of the injected fraud patterns. */
    public enum Kind { NORMAL, FRAUD }

    /** A transaction and what it is. */
    public record Labelled(TransactionSubmitted tx, Kind kind) {
    }

    private static final List<String> COUNTRIES = List.of("DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "SE", "PT",
            "IE", "DK");
    private static final Duration WEEK = Duration.ofDays(7);

    private final Random random;
    private final String tenant;
    private final Instant start;

    public SyntheticTransactions(long seed, String tenant, Instant start) {
        this.random = new Random(seed);
        this.tenant = tenant;
        this.start = start;
    }

    /**
     * {@code total} transactions of {@code accounts} accounts in event-time order, with bursts on
     * {@code burstAccounts} and far-too-high amounts on {@code spikeAccounts}.
     */
    public List<Labelled> generate(int accounts, int total, List<Integer> burstAccounts, List<Integer> spikeAccounts) {
        List<Labelled> all = new ArrayList<>();
        int injected = burstAccounts.size() * 6 + spikeAccounts.size();
        int normals = total - injected;
        List<Account> people = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            people.add(account(a));
        }
        for (int i = 0; i < normals; i++) {
            Account account = people.get(i % accounts);
            Instant at = start.plusMillis((long) (random.nextDouble() * WEEK.toMillis()));
            all.add(new Labelled(ordinary(account, at), Kind.NORMAL));
        }
        all.sort(Comparator.comparing(l -> l.tx().getOccurredAt()));
        for (int a : burstAccounts) {
            all.addAll(burst(people.get(a), start.plus(Duration.ofDays(4)).plusSeconds(random.nextInt(36_000))));
        }
        for (int a : spikeAccounts) {
            Account account = people.get(a);
            Instant eighth = all.stream().filter(l -> l.tx().getAccountId().equals(account.id))
                    .map(l -> l.tx().getOccurredAt()).skip(7).findFirst().orElseThrow();
            Instant at = eighth.plusSeconds(60 + random.nextInt(3_600));
            double amount = account.typical * (15 + random.nextDouble() * 10);
            all.add(new Labelled(tx(account, amount, "luxury-watches", account.home, account.devices.get(0), at),
                    Kind.FRAUD));
        }
        all.sort(Comparator.comparing(l -> l.tx().getOccurredAt()));
        return all;
    }

    private record Account(String id, String home, String abroad, boolean travels, List<String> devices,
            List<String> merchants, double typical) {
    }

    private Account account(int n) {
        String home = COUNTRIES.get(random.nextInt(COUNTRIES.size()));
        String abroad = COUNTRIES.stream().filter(c -> !c.equals(home)).toList().get(random.nextInt(
                COUNTRIES.size() - 1));
        List<String> devices = new ArrayList<>(List.of("device-" + n + "-a"));
        if (random.nextBoolean()) {
            devices.add("device-" + n + "-b");
        }
        List<String> merchants = new ArrayList<>();
        for (int m = 0; m < 6; m++) {
            merchants.add("merchant-" + random.nextInt(60));
        }
        double typical = 15 * Math.pow(20, random.nextDouble()); // 15 to 300, log-uniform
        return new Account(String.format("account-%03d", n), home, abroad, n % 10 == 3, devices, merchants,
                typical);
    }

    private TransactionSubmitted ordinary(Account account, Instant at) {
        long day = Duration.between(start, at).toDays();
        String country = account.travels && (day == 2 || day == 3) ? account.abroad : account.home;
        double amount = account.typical * (0.8 + 0.4 * random.nextDouble());
        String merchant = account.merchants.get(random.nextInt(account.merchants.size()));
        String device = account.devices.get(random.nextInt(account.devices.size()));
        return tx(account, amount, merchant, country, device, at);
    }

    private List<Labelled> burst(Account account, Instant at) {
        List<String> foreign = COUNTRIES.stream().filter(c -> !c.equals(account.home)).toList();
        List<String> countries = List.of(account.home, foreign.get(0), foreign.get(1), foreign.get(2),
                foreign.get(0), foreign.get(1));
        List<Labelled> burst = new ArrayList<>();
        for (int i = 0; i < countries.size(); i++) {
            double amount = account.typical * (0.8 + 0.4 * random.nextDouble());
            TransactionSubmitted tx = tx(account, amount, "online-shop-" + i, countries.get(i),
                    account.devices.get(0), at.plusSeconds(50L * i));
            burst.add(new Labelled(tx, i < 3 ? Kind.NORMAL : Kind.FRAUD));
        }
        return burst;
    }

    private int ids;

    private TransactionSubmitted tx(Account account, double amount, String merchant, String country, String device,
            Instant at) {
        return new TransactionSubmitted(tenant, "tx-" + (++ids), account.id,
                new Money(BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP).toPlainString(), "EUR"),
                merchant, "5999", country, device, "card_present", at, Map.of());
    }
}
