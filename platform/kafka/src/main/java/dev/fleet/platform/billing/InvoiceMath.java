package dev.fleet.platform.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * The money arithmetic of invoices, in {@link BigDecimal} only (never a {@code double}): an amount is
 * {@code quantity × unitPrice / per}, computed exactly (the admin API accepts only powers of ten as
 * {@code per}, so the division always terminates; the scale is whatever the exact result needs, e.g.
 * 1,234,567 tokens at 0.15 per million are 0.18518505). Exact amounts are summed exactly; rounding
 * happens once, at the end, to the currency's minor unit with {@link RoundingMode#HALF_EVEN}
 * (banker's rounding: no upward drift over many invoices).
 *
 * <p>Limit: a {@code per} that is not a power of ten (which no published book has) falls back to 34
 * significant digits ({@link java.math.MathContext#DECIMAL128}).
 */
public final class InvoiceMath {

    private InvoiceMath() {
    }

    /** {@code quantity × unitPrice / per}, exact. */
    public static BigDecimal amount(long quantity, BigDecimal unitPrice, long per) {
        if (per <= 0) {
            throw new IllegalArgumentException("per must be positive, was " + per);
        }
        BigDecimal numerator = unitPrice.multiply(BigDecimal.valueOf(quantity));
        try {
            return numerator.divide(BigDecimal.valueOf(per));
        } catch (ArithmeticException nonTerminating) {
            return numerator.divide(BigDecimal.valueOf(per), java.math.MathContext.DECIMAL128);
        }
    }

    /** {@code exact} rounded half-even to the minor unit of {@code currency} (2 digits for USD, 0 for JPY). */
    public static BigDecimal rounded(BigDecimal exact, String currency) {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        return exact.setScale(Math.max(digits, 0), RoundingMode.HALF_EVEN);
    }

    /** Reads an amount written as a plain decimal string ({@code Money.amount}). */
    public static BigDecimal parse(String amount) {
        return new BigDecimal(amount);
    }
}
