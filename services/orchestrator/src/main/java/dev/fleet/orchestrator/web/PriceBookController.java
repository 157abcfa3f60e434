package dev.fleet.orchestrator.web;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.Meter;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.billing.PriceBookAdmin;
import dev.fleet.orchestrator.domain.billing.PriceBookRules;
import dev.fleet.orchestrator.domain.billing.PriceBookRules.InvalidPriceBookException;
import dev.fleet.orchestrator.domain.billing.PriceBookVersion;
import dev.fleet.orchestrator.domain.billing.PriceEntry;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import reactor.core.publisher.Mono;

/**
 * The price book admin API (admin token): {@code POST /admin/price-book/versions}
 * {@code {"effective_from": "2026-12-01T00:00:00Z", "currency": "USD", "prices": [{"model": "gpt-4o-mini",
 * "meter": "prompt_tokens", "unit_price": "0.15", "per": 1000000}]}} publishes the next version (201,
 * once {@code fleet.price-book.v1} acknowledged it; 503 with {@code Retry-After} otherwise);
 * {@code GET /admin/price-book/versions} lists every version, {@code GET …/{version}} one.
 *
 * <p>{@code unit_price} must be a JSON <em>string</em>: a JSON number is refused (400), because clients
 * commonly hold it as a binary float before it is written, and 0.1 is not a binary float. Amounts are read
 * straight into {@link java.math.BigDecimal} and answered as plain decimal strings. The rules a version
 * must follow are {@link PriceBookRules}'.
 */
@RestController
@RequestMapping("/admin/price-book/versions")
public class PriceBookController {

    private final PriceBookAdmin admin;

    public PriceBookController(PriceBookAdmin admin) {
        this.admin = admin;
    }

    @PostMapping
    public Mono<ResponseEntity<Map<String, Object>>> publish(@RequestBody(required = false) JsonNode body) {
        PriceBookVersion draft = draft(body);
        return admin.publish(draft).map(version -> ResponseEntity
                .created(URI.create("/admin/price-book/versions/" + version.version()))
                .body(json(version)));
    }

    @GetMapping
    public Mono<Map<String, Object>> versions() {
        return admin.versions().map(PriceBookController::json).collectList()
                .map(versions -> Map.of("versions", versions));
    }

    @GetMapping("/{version}")
    public Mono<Map<String, Object>> version(@PathVariable String version) {
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            number = 0; // no such version: 404 below
        }
        return admin.version(number).map(PriceBookController::json)
                .switchIfEmpty(Mono.error(() -> new ApiErrorException(ApiError.notFound(
                        "the price book has no version " + version, "price_book_version_not_found"))));
    }

    @ExceptionHandler(InvalidPriceBookException.class)
    ResponseEntity<Map<String, Object>> invalid(InvalidPriceBookException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.invalidRequest(e.getMessage(), e.field())));
    }

    @ExceptionHandler(ChangeNotDeliveredException.class)
    ResponseEntity<Map<String, Object>> notDelivered(ChangeNotDeliveredException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable(
                "The event bus did not acknowledge the change in time; nothing was changed. Retry shortly.",
                "event_bus_unavailable"), Duration.ofSeconds(1)));
    }

    /** The request as an unnumbered version; {@link InvalidPriceBookException} for a malformed field. */
    static PriceBookVersion draft(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidPriceBookException(
                    "the body must be {\"effective_from\", \"currency\", \"prices\": [...]}", "body");
        }
        Instant effectiveFrom;
        try {
            effectiveFrom = Instant.parse(text(body, "effective_from"));
        } catch (DateTimeParseException e) {
            throw new InvalidPriceBookException("effective_from must be an ISO-8601 instant such as "
                    + "2026-12-01T00:00:00Z", "effective_from");
        }
        String currency = text(body, "currency");
        JsonNode prices = body.get("prices");
        if (prices == null || !prices.isArray()) {
            throw new InvalidPriceBookException("prices must be an array", "prices");
        }
        List<PriceEntry> entries = new ArrayList<>();
        for (JsonNode price : prices) {
            if (!price.isObject()) {
                throw new InvalidPriceBookException("each price is {\"model\", \"meter\", \"unit_price\", \"per\"}",
                        "prices");
            }
            JsonNode unitPrice = price.get("unit_price");
            if (unitPrice == null || !unitPrice.isTextual()) {
                throw new InvalidPriceBookException("unit_price must be a decimal string such as \"0.15\" "
                        + "(a JSON number may have passed through a binary float)", "unit_price");
            }
            JsonNode per = price.get("per");
            if (per == null || !per.isIntegralNumber() || !per.canConvertToLong()) {
                throw new InvalidPriceBookException("per must be an integer such as 1000000", "per");
            }
            entries.add(new PriceEntry(text(price, "model"), meter(text(price, "meter")),
                    PriceBookRules.decimal(unitPrice.textValue(), "unit_price"), per.longValue()));
        }
        return new PriceBookVersion(0, effectiveFrom, currency, entries, null);
    }

    private static Meter meter(String name) {
        for (Meter meter : Meter.values()) {
            if (meter.name().toLowerCase(Locale.ROOT).equals(name)) {
                return meter;
            }
        }
        throw new InvalidPriceBookException(
                "meter must be prompt_tokens, completion_tokens, embedding_tokens or search_queries", "meter");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidPriceBookException(field + " is required (a string)", field);
        }
        return value.textValue();
    }

    static Map<String, Object> json(PriceBookVersion version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version.version());
        body.put("effective_from", version.effectiveFrom().toString());
        body.put("currency", version.currency());
        body.put("prices", version.prices().stream().map(price -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("model", price.model());
            entry.put("meter", price.meter().name().toLowerCase(Locale.ROOT));
            entry.put("unit_price", price.unitPrice().toPlainString());
            entry.put("per", price.per());
            return entry;
        }).toList());
        body.put("created_at", version.createdAt().toString());
        return body;
    }
}
