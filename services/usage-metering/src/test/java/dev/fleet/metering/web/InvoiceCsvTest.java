package dev.fleet.metering.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Money;
import dev.fleet.platform.billing.Invoice;

class InvoiceCsvTest {

    private static final Instant AT = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void writesAHeaderAndOneRowPerLineWithExactAmountsAndQuotedModels() {
        Invoice invoice = Invoice.of("t1", YearMonth.of(2026, 11), List.of(
                line(Meter.SEARCH_QUERIES, "-", 3, "0.002", 1, "0.006"),
                line(Meter.PROMPT_TOKENS, "acme,\"large\"", 1_234_567, "0.15", 1_000_000, "0.18518505")),
                Instant.parse("2026-12-02T00:00:00Z"), AT);

        String csv = InvoiceCsv.of(invoice);

        assertThat(csv).isEqualTo(
                "tenant,month,status,meter,model,quantity,unit_price,per,amount,currency,price_book_version,computed_at\r\n"
                + "t1,2026-11,DRAFT,prompt_tokens,\"acme,\"\"large\"\"\",1234567,0.15,1000000,0.18518505,USD,2,"
                + "2026-11-30T12:00:00Z\r\n"
                + "t1,2026-11,DRAFT,search_queries,-,3,0.002,1,0.006,USD,2,2026-11-30T12:00:00Z\r\n");
        assertThat(invoice.total().toPlainString()).isEqualTo("0.19"); // 0.19118505 rounded half-even
    }

    private static InvoiceLine line(Meter meter, String model, long quantity, String unitPrice, long per,
            String amount) {
        return InvoiceLine.newBuilder().setTenantId("t1").setMonth("2026-11").setMeter(meter).setModel(model)
                .setQuantity(quantity).setUnitPrice(new Money(unitPrice, "USD")).setPer(per)
                .setAmount(new Money(amount, "USD")).setPriceBookVersion(2).setStatus(InvoiceStatus.DRAFT)
                .setComputedAt(AT).build();
    }
}
