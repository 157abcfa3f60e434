package dev.fleet.metering.domain;

import dev.fleet.platform.billing.InvoiceMath;
import static dev.fleet.metering.domain.PriceBookFixtures.book;
import static dev.fleet.metering.domain.PriceBookFixtures.price;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.PriceBook;

class InvoiceCalculatorTest {

    static final PriceBook V1 = book(1, "2025-03-01T00:00:00Z",
            price("gpt-4o-mini", Meter.PROMPT_TOKENS, "0.15", 1_000_000),
            price("gpt-4o-mini", Meter.COMPLETION_TOKENS, "0.60", 1_000_000),
            price("*", Meter.PROMPT_TOKENS, "1.00", 1_000_000),
            price("*", Meter.SEARCH_QUERIES, "0.002", 1));
    static final PriceBook V2 = book(2, "2025-03-15T00:00:00Z",
            price("gpt-4o-mini", Meter.PROMPT_TOKENS, "0.10", 1_000_000),
            price("*", Meter.SEARCH_QUERIES, "0.002", 1));

    @Test
    void pricesExactlyAndRoundsHalfEvenOnlyAtTheEnd() {
        // 1,234,567 prompt tokens at 0.15 per million = 0.18518505 (exact), 0.19 rounded
        BigDecimal exact = InvoiceMath.amount(1_234_567, new BigDecimal("0.15"), 1_000_000);

        assertThat(exact.toPlainString()).isEqualTo("0.18518505");
        assertThat(InvoiceMath.rounded(exact, "USD").toPlainString()).isEqualTo("0.19");
        assertThat(InvoiceMath.rounded(new BigDecimal("0.125"), "USD").toPlainString()).isEqualTo("0.12");
        assertThat(InvoiceMath.rounded(new BigDecimal("0.135"), "USD").toPlainString()).isEqualTo("0.14");
        assertThat(InvoiceMath.rounded(new BigDecimal("12.5"), "JPY").toPlainString()).isEqualTo("12");
    }

    @Test
    void sumsExactLineAmountsBeforeRounding() {
        // three lines of 0.004 each: rounding each would bill 0.00, the exact sum is 0.012 -> 0.01
        List<PricedLine> lines = InvoiceCalculator.price(List.of(
                day("2025-03-02", Meter.SEARCH_QUERIES, "a", 2),
                day("2025-03-02", Meter.SEARCH_QUERIES, "b", 2),
                day("2025-03-02", Meter.SEARCH_QUERIES, "c", 2)), PriceBooks.of(List.of(V1)));

        assertThat(lines).extracting(l -> l.amount().toPlainString()).containsExactly("0.004", "0.004", "0.004");
        assertThat(InvoiceMath.rounded(InvoiceCalculator.total(lines), "USD").toPlainString()).isEqualTo("0.01");
    }

    @Test
    void choosesTheHighestVersionInForceOnEachDay() {
        PriceBooks books = PriceBooks.of(List.of(V2, V1));

        assertThat(books.inForceAt(Instant.parse("2025-02-28T23:59:59Z"))).isEmpty();
        assertThat(books.inForceAt(Instant.parse("2025-03-01T00:00:00Z"))).contains(V1);
        assertThat(books.inForceAt(Instant.parse("2025-03-14T23:59:59Z"))).contains(V1);
        assertThat(books.inForceAt(Instant.parse("2025-03-15T00:00:00Z"))).contains(V2);
    }

    @Test
    void pricesAMonthThatSpansTwoVersionsDayByDay() {
        // 1,234,567 tokens on 3 March at 0.15 + 1,000,000 on 20 March at 0.10 = 0.18518505 + 0.10
        List<PricedLine> lines = InvoiceCalculator.price(List.of(
                day("2025-03-20", Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_000_000),
                day("2025-03-03", Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_234_567)), PriceBooks.of(List.of(V1, V2)));

        assertThat(lines).hasSize(1);
        PricedLine line = lines.get(0);
        assertThat(line.quantity()).isEqualTo(2_234_567);
        assertThat(line.amount().toPlainString()).isEqualTo("0.28518505");
        assertThat(line.priceBookVersion()).isEqualTo(2);
        assertThat(line.unitPrice().toPlainString()).isEqualTo("0.10");
        assertThat(line.currency()).isEqualTo("USD");
    }

    @Test
    void fallsBackToTheDefaultModelAndBillsNothingBeforeTheFirstBook() {
        List<PricedLine> lines = InvoiceCalculator.price(List.of(
                day("2025-02-27", Meter.PROMPT_TOKENS, "llama", 5_000_000),
                day("2025-03-02", Meter.PROMPT_TOKENS, "llama", 2_000_000),
                day("2025-03-02", Meter.EMBEDDING_TOKENS, null, 42),
                day("2025-02-27", Meter.COMPLETION_TOKENS, "x", 9)), PriceBooks.of(List.of(V1)));

        // llama: only the March day is priced, at the '*' price of 1.00 per million; embeddings have no
        // price in v1 (0); completions of x were used before any book and give no line
        assertThat(lines).extracting(PricedLine::meter, PricedLine::model, PricedLine::quantity,
                        l -> l.amount().toPlainString())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Meter.PROMPT_TOKENS, "llama", 7_000_000L, "2.00"),
                        org.assertj.core.groups.Tuple.tuple(Meter.EMBEDDING_TOKENS, null, 42L, "0"));
    }

    private static DailyUsage day(String date, Meter meter, String model, long quantity) {
        return new DailyUsage(Instant.parse(date + "T00:00:00Z"), meter, model, quantity);
    }
}
