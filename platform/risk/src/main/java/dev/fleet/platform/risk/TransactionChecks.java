package dev.fleet.platform.risk;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.TransactionSubmitted;

/**
 * The one set of checks a transaction passes before it is scored: the gateway answers 400 with
 * them, and the scorer sends a transaction that fails them (a product app producing directly) to
 * {@code fleet.transactions.v1.dlq} with them as the reason.
 */
public final class TransactionChecks {

    /** The longest id (transaction, account, merchant, device) accepted. */
    public static final int MAX_ID_LENGTH = 128;
    /** The most digits of an amount. */
    public static final int MAX_AMOUNT_DIGITS = 18;

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private TransactionChecks() {
    }

    /** Every problem of {@code tx}; empty when it can be scored. */
    public static List<TransactionProblem> problems(TransactionSubmitted tx) {
        List<TransactionProblem> problems = new ArrayList<>();
        id(problems, "tenantId", tx.getTenantId(), true);
        id(problems, "transactionId", tx.getTransactionId(), true);
        id(problems, "accountId", tx.getAccountId(), true);
        id(problems, "merchant", tx.getMerchant(), true);
        id(problems, "merchantCategory", tx.getMerchantCategory(), true);
        id(problems, "channel", tx.getChannel(), true);
        id(problems, "deviceId", tx.getDeviceId(), false);
        amount(problems, tx.getAmount());
        if (tx.getCountry() == null || !COUNTRIES.contains(tx.getCountry())) {
            problems.add(new TransactionProblem("country",
                    "must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE, not " + quoted(tx.getCountry())));
        }
        if (tx.getOccurredAt() == null) {
            problems.add(new TransactionProblem("occurredAt", "is required"));
        }
        return problems;
    }

    /** The amount of a transaction that passed {@link #problems}. */
    public static BigDecimal amount(TransactionSubmitted tx) {
        return new BigDecimal(tx.getAmount().getAmount());
    }

    private static void amount(List<TransactionProblem> problems, Money money) {
        if (money == null) {
            problems.add(new TransactionProblem("amount", "is required"));
            return;
        }
        BigDecimal amount = null;
        try {
            amount = money.getAmount() == null ? null : new BigDecimal(money.getAmount());
        } catch (NumberFormatException e) {
            // reported below
        }
        if (amount == null) {
            problems.add(new TransactionProblem("amount", "must be a decimal number such as 12.50, not "
                    + quoted(money.getAmount())));
        } else if (amount.signum() <= 0) {
            problems.add(new TransactionProblem("amount", "must be positive, not " + money.getAmount()));
        } else if (amount.precision() > MAX_AMOUNT_DIGITS) {
            problems.add(new TransactionProblem("amount", "has more than " + MAX_AMOUNT_DIGITS + " digits"));
        } else if (amount.precision() - amount.scale() > MAX_AMOUNT_DIGITS || amount.scale() > MAX_AMOUNT_DIGITS) {
            // an exponent (1E+400, 1E-400) would leave the digits few but the number out of any double's range
            problems.add(new TransactionProblem("amount", "has more than " + MAX_AMOUNT_DIGITS
                    + " digits before or after the decimal point, was " + money.getAmount()));
        }
        if (!knownCurrency(money.getCurrency())) {
            problems.add(new TransactionProblem("currency", "must be an ISO 4217 code in upper case, e.g. EUR, not "
                    + quoted(money.getCurrency())));
        }
    }

    private static boolean knownCurrency(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void id(List<TransactionProblem> problems, String field, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(new TransactionProblem(field, "is required"));
            }
        } else if (value.length() > MAX_ID_LENGTH) {
            problems.add(new TransactionProblem(field, "is longer than " + MAX_ID_LENGTH + " characters"));
        }
    }

    private static String quoted(String value) {
        return value == null ? "nothing" : "'" + value + "'";
    }
}
