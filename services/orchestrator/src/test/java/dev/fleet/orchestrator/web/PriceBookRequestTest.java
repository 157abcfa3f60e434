package dev.fleet.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.Meter;
import dev.fleet.orchestrator.domain.billing.PriceBookRules.InvalidPriceBookException;
import dev.fleet.orchestrator.domain.billing.PriceBookVersion;

/** How {@code POST /admin/price-book/versions} reads its body: amounts never through a double. */
class PriceBookRequestTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsUnitPricesExactlyFromStrings() throws Exception {
        PriceBookVersion draft = PriceBookController.draft(body("""
                {"effective_from": "2026-12-01T00:00:00Z", "currency": "USD", "prices": [
                  {"model": "gpt-4o-mini", "meter": "prompt_tokens", "unit_price": "0.1", "per": 1000000},
                  {"model": "*", "meter": "search_queries", "unit_price": "0.000000000123", "per": 1}]}"""));

        assertThat(draft.effectiveFrom()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(draft.prices()).extracting(p -> p.unitPrice().toPlainString())
                .containsExactly("0.1", "0.000000000123");
        assertThat(draft.prices()).extracting(p -> p.meter())
                .containsExactly(Meter.PROMPT_TOKENS, Meter.SEARCH_QUERIES);
    }

    @Test
    void refusesAJsonNumberAsUnitPrice() {
        assertRefused("""
                {"effective_from": "2026-12-01T00:00:00Z", "currency": "USD", "prices": [
                  {"model": "*", "meter": "prompt_tokens", "unit_price": 0.1, "per": 1000000}]}""", "unit_price");
    }

    @Test
    void refusesMalformedFields() {
        assertRefused("""
                {"effective_from": "1 Dec 2026", "currency": "USD", "prices": []}""", "effective_from");
        assertRefused("""
                {"effective_from": "2026-12-01T00:00:00Z", "currency": "USD", "prices": [
                  {"model": "*", "meter": "tokens", "unit_price": "0.1", "per": 1000000}]}""", "meter");
        assertRefused("""
                {"effective_from": "2026-12-01T00:00:00Z", "currency": "USD", "prices": [
                  {"model": "*", "meter": "prompt_tokens", "unit_price": "ten cents", "per": 1000000}]}""",
                "unit_price");
        assertRefused("""
                {"effective_from": "2026-12-01T00:00:00Z", "currency": "USD", "prices": [
                  {"model": "*", "meter": "prompt_tokens", "unit_price": "0.1", "per": 1e6}]}""", "per");
    }

    private void assertRefused(String body, String field) {
        assertThatThrownBy(() -> PriceBookController.draft(body(body)))
                .isInstanceOfSatisfying(InvalidPriceBookException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    private JsonNode body(String text) throws Exception {
        return json.readTree(text);
    }
}
