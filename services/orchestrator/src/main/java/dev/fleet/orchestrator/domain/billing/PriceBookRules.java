package dev.fleet.orchestrator.domain.billing;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.Currency;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a new price book version must satisfy, so that usage-metering can price it exactly:
 * <ul>
 * <li>{@code effective_from} at midnight UTC (metering prices each day with the version in force at the
 * day's start, which is then exact) and not before the latest version's (a version never reaches back
 * behind its predecessor);</li>
 * <li>the currency an ISO 4217 code, the same as the latest version's (an invoice month is priced in one
 * currency; changing currency is a new book, which this API does not offer);</li>
 * <li>at least one price, one per model and meter, unit prices non-negative with at most
 * {@value #MAX_SCALE} decimals, {@code per} a power of ten (the division then terminates).</li>
 * </ul>
 */
public final class PriceBookRules {

    public static final int MAX_SCALE = 12;
    public static final int MAX_PRICES = 1000;

    private PriceBookRules() {
    }

    /** A rule {@code field} of the request breaks. */
    public static class InvalidPriceBookException extends RuntimeException {

        private final String field;

        public InvalidPriceBookException(String message, String field) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public static void check(PriceBookVersion book, Optional<PriceBookVersion> latest) {
        if (!book.effectiveFrom().equals(book.effectiveFrom().truncatedTo(ChronoUnit.DAYS))) {
            throw new InvalidPriceBookException("effective_from must be midnight UTC, e.g. 2026-12-01T00:00:00Z",
                    "effective_from");
        }
        checkCurrency(book.currency());
        latest.ifPresent(previous -> {
            if (book.effectiveFrom().isBefore(previous.effectiveFrom())) {
                throw new InvalidPriceBookException("effective_from must not be before that of the latest version ("
                        + previous.version() + ", " + previous.effectiveFrom() + ")", "effective_from");
            }
            if (!book.currency().equals(previous.currency())) {
                throw new InvalidPriceBookException("currency must stay " + previous.currency()
                        + ", the currency of the latest version", "currency");
            }
        });
        if (book.prices().isEmpty() || book.prices().size() > MAX_PRICES) {
            throw new InvalidPriceBookException("prices must hold 1 to " + MAX_PRICES + " prices", "prices");
        }
        Set<String> seen = new HashSet<>();
        for (PriceEntry price : book.prices()) {
            if (price.model().isBlank() || price.model().length() > 200) {
                throw new InvalidPriceBookException("model must be 1-200 characters, or * for every model", "model");
            }
            if (price.unitPrice().signum() < 0) {
                throw new InvalidPriceBookException("unit_price must not be negative", "unit_price");
            }
            if (price.unitPrice().scale() > MAX_SCALE) {
                throw new InvalidPriceBookException("unit_price has more than " + MAX_SCALE + " decimals",
                        "unit_price");
            }
            if (!powerOfTen(price.per())) {
                throw new InvalidPriceBookException("per must be a power of ten (1, 1000, 1000000, ...)", "per");
            }
            if (!seen.add(price.model() + "\u0000" + price.meter())) {
                throw new InvalidPriceBookException("two prices for model " + price.model() + " and meter "
                        + price.meter().name().toLowerCase(Locale.ROOT), "prices");
            }
        }
    }

    /** Parses a decimal written as a string; never through a {@code double}. */
    public static BigDecimal decimal(String text, String field) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidPriceBookException(field + " must be a decimal string such as \"0.15\"", field);
        }
    }

    static void checkCurrency(String currency) {
        try {
            if (currency != null && currency.length() == 3 && currency.equals(currency.toUpperCase(Locale.ROOT))
                    && Currency.getInstance(currency) != null) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new InvalidPriceBookException("currency must be an ISO 4217 code such as USD", "currency");
    }

    static boolean powerOfTen(long value) {
        if (value < 1) {
            return false;
        }
        while (value % 10 == 0) {
            value /= 10;
        }
        return value == 1;
    }

}
