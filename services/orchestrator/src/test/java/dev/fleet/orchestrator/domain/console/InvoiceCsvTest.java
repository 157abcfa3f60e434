package dev.fleet.orchestrator.domain.console;

import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.line;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.platform.billing.Invoice;

class InvoiceCsvTest {

    private static final String TENANT = "t-1";
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void writesAHeaderOneRowPerLineAndATotalRowWithCrlfLineEnds() throws IOException {
        Invoice invoice = Invoice.of(TENANT, YearMonth.of(2026, 11), List.of(
                line(TENANT, "2026-11", Meter.COMPLETION_TOKENS, "gpt-a", 10, "0.00000150", InvoiceStatus.DRAFT),
                line(TENANT, "2026-11", Meter.PROMPT_TOKENS, "gpt-a", 1_234_567, "0.18518505", InvoiceStatus.DRAFT)),
                Instant.parse("2026-12-01T00:00:00Z"), NOW);

        String csv = InvoiceCsv.of(invoice);

        assertThat(csv).startsWith(String.join(",", InvoiceCsv.HEADER) + "\r\n").endsWith("\r\n");
        List<CSVRecord> rows = parse(csv);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("meter")).isEqualTo("prompt_tokens"); // lines ordered by meter, then model
        assertThat(rows.get(0).get("amount")).isEqualTo("0.18518505");
        assertThat(rows.get(0).get("quantity")).isEqualTo("1234567");
        assertThat(rows.get(1).get("meter")).isEqualTo("completion_tokens");
        CSVRecord total = rows.get(2);
        assertThat(total.get("meter")).isEqualTo(InvoiceCsv.TOTAL);
        assertThat(total.get("amount")).isEqualTo("0.19");
        assertThat(total.get("currency")).isEqualTo("USD");
        assertThat(total.get("status")).isEqualTo("DRAFT");
        assertThat(total.get("month")).isEqualTo("2026-11");
    }

    @Test
    void quotesFieldsWithCommasQuotesAndLineBreaksPerRfc4180() throws IOException {
        String model = "acme \"fast\", v2\nbeta";
        Invoice invoice = Invoice.of(TENANT, YearMonth.of(2026, 11),
                List.of(line(TENANT, "2026-11", Meter.PROMPT_TOKENS, model, 1, "0.01", InvoiceStatus.FINAL)),
                Instant.parse("2026-12-01T00:00:00Z"), NOW);

        String csv = InvoiceCsv.of(invoice);

        assertThat(csv).contains(",\"acme \"\"fast\"\", v2\nbeta\",");
        assertThat(parse(csv).get(0).get("model")).isEqualTo(model);
    }

    @Test
    void anInvoiceWithoutLinesIsAHeaderAndAZeroTotal() throws IOException {
        Invoice invoice = Invoice.of(TENANT, YearMonth.of(2026, 11), List.of(), Instant.parse("2026-12-01T00:00:00Z"),
                NOW);

        List<CSVRecord> rows = parse(InvoiceCsv.of(invoice));

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("amount")).isEqualTo("0");
        assertThat(rows.get(0).get("currency")).isEmpty();
    }

    /** The records after the header row, read by the header's names. */
    private static List<CSVRecord> parse(String csv) throws IOException {
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv)).getRecords();
    }
}
