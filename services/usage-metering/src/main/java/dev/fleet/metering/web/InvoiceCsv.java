package dev.fleet.metering.web;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.platform.billing.Invoice;
import dev.fleet.metering.domain.MeterName;

/**
 * An invoice as CSV (RFC 4180, Apache Commons CSV): a header row, then one row per line. Amounts are
 * the exact decimal strings of the lines; the rounded total is not a row (a spreadsheet summing the
 * column would count it twice) but the {@code Fleet-Invoice-Total} header of the response.
 */
final class InvoiceCsv {

    static final String[] HEADER = {"tenant", "month", "status", "meter", "model", "quantity", "unit_price", "per",
            "amount", "currency", "price_book_version", "computed_at"};

    private InvoiceCsv() {
    }

    static String of(Invoice invoice) {
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
            for (InvoiceLine line : invoice.lines()) {
                csv.printRecord(line.getTenantId(), line.getMonth(), line.getStatus(), MeterName.of(line.getMeter()),
                        line.getModel(), line.getQuantity(), line.getUnitPrice().getAmount(), line.getPer(),
                        line.getAmount().getAmount(), line.getAmount().getCurrency(), line.getPriceBookVersion(),
                        line.getComputedAt());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
