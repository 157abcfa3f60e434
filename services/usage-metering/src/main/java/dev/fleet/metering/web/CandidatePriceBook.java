package dev.fleet.metering.web;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.Price;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.metering.domain.MeterName;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

/**
 * Reads a simulation's candidate price book, {@code {"currency": "USD", "prices": [{"model", "meter",
 * "unit_price", "per"}]}}, with the rules the orchestrator's admin API applies to a published one:
 * ISO 4217 currency, {@code unit_price} a non-negative decimal <em>string</em> (a JSON number may have
 * passed through a binary float on the client), {@code per} a power of ten, one price per model and meter.
 */
final class CandidatePriceBook {

    private CandidatePriceBook() {
    }

    static PriceBook parse(JsonNode book, Instant now) {
        if (book == null || !book.isObject()) {
            throw invalid("price_book is required: {\"currency\": \"USD\", \"prices\": [...]}", "price_book");
        }
        String currency = text(book, "currency", "price_book.currency");
        try {
            if (!currency.equals(currency.toUpperCase(Locale.ROOT)) || Currency.getInstance(currency) == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw invalid("currency must be an ISO 4217 code such as USD", "price_book.currency");
        }
        JsonNode prices = book.get("prices");
        if (prices == null || !prices.isArray() || prices.isEmpty()) {
            throw invalid("prices must be a non-empty array", "price_book.prices");
        }
        List<Price> parsed = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode price : prices) {
            String model = text(price, "model", "price_book.prices.model");
            Meter meter = MeterName.parse(text(price, "meter", "price_book.prices.meter")).orElseThrow(() -> invalid(
                    "meter must be prompt_tokens, completion_tokens, embedding_tokens or search_queries",
                    "price_book.prices.meter"));
            JsonNode unitPrice = price.get("unit_price");
            if (unitPrice == null || !unitPrice.isTextual()) {
                throw invalid("unit_price must be a decimal string such as \"0.15\"", "price_book.prices.unit_price");
            }
            BigDecimal amount;
            try {
                amount = new BigDecimal(unitPrice.textValue());
            } catch (NumberFormatException e) {
                throw invalid("unit_price must be a decimal string such as \"0.15\"", "price_book.prices.unit_price");
            }
            if (amount.signum() < 0) {
                throw invalid("unit_price must not be negative", "price_book.prices.unit_price");
            }
            JsonNode per = price.get("per");
            if (per == null || !per.canConvertToExactIntegral() || !powerOfTen(per.asLong())) {
                throw invalid("per must be a power of ten (1, 1000, 1000000, ...)", "price_book.prices.per");
            }
            if (!seen.add(model + "/" + meter)) {
                throw invalid("two prices for model " + model + " and meter " + MeterName.of(meter),
                        "price_book.prices");
            }
            parsed.add(new Price(model, meter, new Money(amount.toPlainString(), currency), per.asLong()));
        }
        return PriceBook.newBuilder().setVersion(0).setEffectiveFrom(Instant.EPOCH).setCurrency(currency)
                .setPrices(parsed).setCreatedAt(now).build();
    }

    static boolean powerOfTen(long value) {
        if (value < 1) {
            return false;
        }
        while (value % 10 == 0) {
            value /= 10;
        }
        return value == 1;
    }

    private static String text(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw invalid(field + " is required", param);
        }
        return value.textValue();
    }

    private static ApiErrorException invalid(String message, String param) {
        return new ApiErrorException(ApiError.invalidRequest(message, param));
    }
}
