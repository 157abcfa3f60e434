package dev.fleet.orchestrator.domain.billing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Meter;
import dev.fleet.orchestrator.domain.billing.PriceBookRules.InvalidPriceBookException;

class PriceBookRulesTest {

    private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
    private static final PriceEntry PROMPT = new PriceEntry("gpt-4o-mini", Meter.PROMPT_TOKENS, new BigDecimal("0.15"),
            1_000_000);
    private static final PriceBookVersion LATEST = new PriceBookVersion(3, DEC_1, "USD", List.of(PROMPT), DEC_1);

    @Test
    void acceptsAVersionAtMidnightNotBeforeTheLatest() {
        assertThatCode(() -> PriceBookRules.check(book(DEC_1, "USD", PROMPT), Optional.of(LATEST)))
                .doesNotThrowAnyException();
        assertThatCode(() -> PriceBookRules.check(book(Instant.parse("2027-01-01T00:00:00Z"), "EUR", PROMPT),
                Optional.empty())).doesNotThrowAnyException();
    }

    @Test
    void refusesAnEffectiveDateBeforeTheLatestOrNotAtMidnight() {
        assertRefused(book(Instant.parse("2026-11-30T00:00:00Z"), "USD", PROMPT), "effective_from");
        assertRefused(book(Instant.parse("2026-12-02T12:00:00Z"), "USD", PROMPT), "effective_from");
    }

    @Test
    void refusesAnUnknownOrChangedCurrency() {
        assertRefused(book(DEC_1, "XYZ", PROMPT), "currency");
        assertRefused(book(DEC_1, "usd", PROMPT), "currency");
        assertRefused(book(DEC_1, "EUR", PROMPT), "currency");
    }

    @Test
    void refusesNegativePricesPerThatIsNoPowerOfTenAndDuplicates() {
        assertRefused(book(DEC_1, "USD", new PriceEntry("*", Meter.SEARCH_QUERIES, new BigDecimal("-0.01"), 1)),
                "unit_price");
        assertRefused(book(DEC_1, "USD", new PriceEntry("*", Meter.SEARCH_QUERIES, new BigDecimal("0.01"), 0)), "per");
        assertRefused(book(DEC_1, "USD", new PriceEntry("*", Meter.SEARCH_QUERIES, new BigDecimal("0.01"), 3)), "per");
        assertRefused(book(DEC_1, "USD", PROMPT, PROMPT), "prices");
        assertRefused(book(DEC_1, "USD"), "prices");
        assertRefused(book(DEC_1, "USD", new PriceEntry("*", Meter.SEARCH_QUERIES,
                new BigDecimal("0.0000000000001"), 1)), "unit_price");
    }

    private static PriceBookVersion book(Instant effectiveFrom, String currency, PriceEntry... prices) {
        return new PriceBookVersion(0, effectiveFrom, currency, List.of(prices), null);
    }

    private static void assertRefused(PriceBookVersion book, String field) {
        assertThatThrownBy(() -> PriceBookRules.check(book, Optional.of(LATEST)))
                .isInstanceOfSatisfying(InvalidPriceBookException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo(field));
    }
}
