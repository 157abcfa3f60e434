package dev.fleet.orchestrator.domain.console;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.platform.billing.Invoice;

/**
 * An invoice draft as CSV for the console's download (RFC 4180 through Apache Commons CSV: CRLF line
 * ends, fields with commas, quotes or line breaks quoted, quotes doubled): a header row, one row per
 * line with the line's exact amount, and a last row {@code total} with the invoice total rounded to the
 * currency's minor unit (half-even, once, over the exact sum of the lines). Someone summing the amount
 * column must leave the total row out.
 */
public final class InvoiceCsv {

    static final String[] HEADER = {"tenant", "month", "status", "meter", "model", "quantity", "unit_price", "per",
            "amount", "currency", "price_book_version", "computed_at"};
    static final String TOTAL = "total";

    private InvoiceCsv() {
    }

    public static String of(Invoice invoice) {
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
            for (InvoiceLine line : invoice.lines()) {
                csv.printRecord(line.getTenantId(), line.getMonth(), line.getStatus(),
                        line.getMeter().name().toLowerCase(Locale.ROOT), line.getModel(), line.getQuantity(),
                        line.getUnitPrice().getAmount(), line.getPer(), line.getAmount().getAmount(),
                        line.getAmount().getCurrency(), line.getPriceBookVersion(), line.getComputedAt());
            }
            csv.printRecord(invoice.tenantId(), invoice.month(), invoice.status(), TOTAL, "",
                    "", "", "", invoice.total().toPlainString(),
                    invoice.currency() == null ? "" : invoice.currency(), "", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
