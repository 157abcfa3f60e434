package dev.fleet.metering.domain;

import dev.fleet.platform.billing.InvoiceMath;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.fleet.events.v1.PriceBook;

/**
 * Shadow re-pricing: the same usage priced with the books actually published (each day with the
 * version in force that day, exactly as invoice lines are) and with a candidate book applied to the whole
 * range, per tenant. Amounts are exact sums, rounded half-even once per tenant (and once for the totals).
 */
public final class ShadowPricing {

    private ShadowPricing() {
    }

    /** One tenant's amounts; {@code delta} is candidate minus current, each rounded from the exact sums. */
    public record Comparison(String tenantId, BigDecimal current, BigDecimal candidate, BigDecimal delta) {
    }

    /** Every tenant of {@code usage}, sorted by id; amounts in {@code currency}. */
    public static List<Comparison> compare(Map<String, List<DailyUsage>> usage, PriceBooks current,
            PriceBook candidate, String currency) {
        PriceBooks shadow = PriceBooks.of(List.of(PriceBook.newBuilder(candidate).setEffectiveFrom(Instant.EPOCH)
                .build()));
        List<Comparison> comparisons = new ArrayList<>();
        new TreeMap<>(usage).forEach((tenant, days) -> {
            BigDecimal now = InvoiceCalculator.total(InvoiceCalculator.price(days, current));
            BigDecimal then = InvoiceCalculator.total(InvoiceCalculator.price(days, shadow));
            comparisons.add(new Comparison(tenant, InvoiceMath.rounded(now, currency),
                    InvoiceMath.rounded(then, currency), InvoiceMath.rounded(then.subtract(now), currency)));
        });
        return comparisons;
    }

    /** The comparison of all tenants together, each sum rounded once. */
    public static Comparison total(Map<String, List<DailyUsage>> usage, PriceBooks current, PriceBook candidate,
            String currency) {
        PriceBooks shadow = PriceBooks.of(List.of(PriceBook.newBuilder(candidate).setEffectiveFrom(Instant.EPOCH)
                .build()));
        BigDecimal now = BigDecimal.ZERO;
        BigDecimal then = BigDecimal.ZERO;
        for (List<DailyUsage> days : usage.values()) {
            now = now.add(InvoiceCalculator.total(InvoiceCalculator.price(days, current)));
            then = then.add(InvoiceCalculator.total(InvoiceCalculator.price(days, shadow)));
        }
        return new Comparison("*", InvoiceMath.rounded(now, currency), InvoiceMath.rounded(then, currency),
                InvoiceMath.rounded(then.subtract(now), currency));
    }
}
