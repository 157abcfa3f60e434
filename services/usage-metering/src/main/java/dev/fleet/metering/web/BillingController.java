package dev.fleet.metering.web;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.metering.config.FleetMeteringProperties;
import dev.fleet.platform.billing.Invoice;
import dev.fleet.metering.domain.InvoiceLines;
import dev.fleet.metering.domain.MeterName;
import dev.fleet.metering.domain.PriceBooks;
import dev.fleet.metering.domain.PublishedPriceBooks;
import dev.fleet.metering.domain.ShadowPricing;
import dev.fleet.metering.domain.UsageReplay;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The billing API (admin token, {@code fleet.admin.paths}):
 * <ul>
 * <li>{@code GET /billing/{tenantId}/invoices/{yyyy-MM}}: the month's invoice from
 * {@code fleet.billing.lines.v1} as JSON, or as CSV with {@code Accept: text/csv} or {@code ?format=csv}
 * ({@link InvoiceCsv}). Every replica holds the whole topic, so every replica answers the same.</li>
 * <li>{@code POST /billing/simulations} {@code {"from", "to", "price_book": {...}}}: shadow re-pricing,
 * synchronous: replays the usage of {@code [from, to)} ({@link UsageReplay}, at most
 * {@code fleet.metering.billing.simulation-max-range}, 504 after {@code simulation-timeout}) and answers,
 * per tenant, the amount with the published books and with the candidate. Writes nothing.</li>
 * </ul>
 */
@RestController
class BillingController {

    static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");
    static final String TOTAL_HEADER = "Fleet-Invoice-Total";

    private final InvoiceLines lines;
    private final PublishedPriceBooks books;
    private final UsageReplay replay;
    private final FleetMeteringProperties.Billing settings;
    private final Clock clock;

    BillingController(InvoiceLines lines, PublishedPriceBooks books, UsageReplay replay,
            FleetMeteringProperties properties, Clock clock) {
        this.lines = lines;
        this.books = books;
        this.replay = replay;
        this.settings = properties.billing();
        this.clock = clock;
    }

    @GetMapping("/billing/{tenantId}/invoices/{month}")
    ResponseEntity<?> invoice(@PathVariable String tenantId, @PathVariable String month,
            @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        YearMonth yearMonth;
        try {
            yearMonth = YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw new ApiErrorException(ApiError.invalidRequest("the month must be yyyy-MM, e.g. 2026-11", "month"));
        }
        Invoice invoice = Invoice.of(tenantId, yearMonth, lines.of(tenantId, yearMonth),
                settings.schedule().closes(yearMonth), clock.instant());
        // only an explicit text/csv asks for CSV (*/* is JSON)
        boolean csv = format != null ? "csv".equalsIgnoreCase(format)
                : accept != null && MediaType.parseMediaTypes(accept).stream()
                        .anyMatch(type -> type.equalsTypeAndSubtype(TEXT_CSV));
        if (format != null && !csv && !"json".equalsIgnoreCase(format)) {
            throw new ApiErrorException(ApiError.invalidRequest("format must be json or csv", "format"));
        }
        if (csv) {
            return ResponseEntity.ok()
                    .contentType(TEXT_CSV)
                    .header(HttpHeaders.CONTENT_DISPOSITION,
                            "attachment; filename=\"invoice-" + tenantId + "-" + yearMonth + ".csv\"")
                    .header(TOTAL_HEADER, invoice.total().toPlainString())
                    .body(InvoiceCsv.of(invoice));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json(invoice));
    }

    @PostMapping("/billing/simulations")
    Mono<Map<String, Object>> simulate(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("the body must be {\"from\", \"to\", \"price_book\"}", "body");
        }
        Instant from = instant(body, "from");
        Instant to = instant(body, "to");
        if (!from.isBefore(to)) {
            throw invalid("from must be before to", "from");
        }
        if (Duration.between(from, to).compareTo(settings.simulationMaxRange()) > 0) {
            throw invalid("a simulation covers at most " + settings.simulationMaxRange(), "to");
        }
        PriceBook candidate = CandidatePriceBook.parse(body.get("price_book"), clock.instant());
        PriceBooks current = books.current();
        String currency = candidate.getCurrency();
        if (current.currency().filter(c -> !c.equals(currency)).isPresent()) {
            throw invalid("the candidate's currency must be the published books' (" + current.currency().get() + ")",
                    "price_book.currency");
        }
        return Mono.fromCallable(() -> replay.replay(from, to, settings.simulationTimeout()))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(UsageReplay.SimulationTimeoutException.class,
                        e -> new ApiErrorException(ApiError.timeout(e.getMessage())))
                .map(replayed -> simulation(from, to, current, candidate, currency, replayed));
    }

    private static Map<String, Object> simulation(Instant from, Instant to, PriceBooks current, PriceBook candidate,
            String currency, UsageReplay.Replayed replayed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("currency", currency);
        body.put("price_book_versions", current.versions().stream().map(PriceBook::getVersion).toList());
        body.put("tenants", ShadowPricing.compare(replayed.usage(), current, candidate, currency).stream()
                .map(c -> comparison(c, currency)).toList());
        body.put("total", comparison(ShadowPricing.total(replayed.usage(), current, candidate, currency), currency));
        body.put("records_total", replayed.recordsTotal());
        body.put("records_read", replayed.recordsRead());
        body.put("records_in_range", replayed.recordsInRange());
        body.put("duplicates_skipped", replayed.duplicates());
        body.put("unreadable_skipped", replayed.unreadable());
        return body;
    }

    private static Map<String, Object> comparison(ShadowPricing.Comparison c, String currency) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!"*".equals(c.tenantId())) {
            body.put("tenant", c.tenantId());
        }
        body.put("current", money(c.current(), currency));
        body.put("candidate", money(c.candidate(), currency));
        body.put("delta", money(c.delta(), currency));
        return body;
    }

    private static Map<String, Object> json(Invoice invoice) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", invoice.tenantId());
        body.put("month", invoice.month().toString());
        body.put("status", invoice.status().name());
        body.put("currency", invoice.currency());
        body.put("lines", invoice.lines().stream().map(BillingController::line).toList());
        body.put("total", invoice.currency() == null ? null : money(invoice.total(), invoice.currency()));
        body.put("total_exact", invoice.exactTotal().toPlainString());
        return body;
    }

    private static Map<String, Object> line(InvoiceLine line) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("meter", MeterName.of(line.getMeter()));
        body.put("model", line.getModel());
        body.put("quantity", line.getQuantity());
        body.put("unit_price", money(line.getUnitPrice().getAmount(), line.getUnitPrice().getCurrency()));
        body.put("per", line.getPer());
        body.put("amount", money(line.getAmount().getAmount(), line.getAmount().getCurrency()));
        body.put("price_book_version", line.getPriceBookVersion());
        body.put("status", line.getStatus().name());
        body.put("computed_at", line.getComputedAt().toString());
        return body;
    }

    private static Map<String, String> money(BigDecimal amount, String currency) {
        return money(amount.toPlainString(), currency);
    }

    private static Map<String, String> money(String amount, String currency) {
        return Map.of("amount", amount, "currency", currency);
    }

    private static Instant instant(JsonNode body, String field) {
        JsonNode value = body.get(field);
        try {
            if (value != null && value.isTextual()) {
                return Instant.parse(value.textValue());
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw invalid(field + " must be an ISO-8601 instant such as 2026-11-01T00:00:00Z", field);
    }

    private static ApiErrorException invalid(String message, String param) {
        return new ApiErrorException(ApiError.invalidRequest(message, param));
    }
}
