package dev.fleet.platform.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.List;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;

/**
 * A tenant's invoice for a month: its lines as last written, FINAL once every line is (a month without
 * lines is FINAL once it closed), the total the exact sum of the lines' amounts rounded once, half-even,
 * to the currency's minor unit ({@link InvoiceMath}). {@code currency} is null when there is no line.
 */
public record Invoice(String tenantId, YearMonth month, InvoiceStatus status, String currency,
        List<InvoiceLine> lines, BigDecimal exactTotal, BigDecimal total) {

    public static Invoice of(String tenantId, YearMonth month, List<InvoiceLine> lines, Instant closes,
            Instant now) {
        List<InvoiceLine> sorted = lines.stream()
                .sorted(Comparator.comparing((InvoiceLine l) -> l.getMeter().ordinal()).thenComparing(InvoiceLine::getModel))
                .toList();
        InvoiceStatus status = sorted.isEmpty()
                ? (now.isBefore(closes) ? InvoiceStatus.DRAFT : InvoiceStatus.FINAL)
                : sorted.stream().allMatch(l -> l.getStatus() == InvoiceStatus.FINAL) ? InvoiceStatus.FINAL
                        : InvoiceStatus.DRAFT;
        String currency = sorted.isEmpty() ? null : sorted.get(0).getAmount().getCurrency();
        BigDecimal exact = sorted.stream().map(l -> InvoiceMath.parse(l.getAmount().getAmount()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Invoice(tenantId, month, status, currency, sorted, exact,
                currency == null ? exact : InvoiceMath.rounded(exact, currency));
    }
}
