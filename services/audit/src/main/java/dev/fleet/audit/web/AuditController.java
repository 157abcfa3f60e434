package dev.fleet.audit.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.audit.config.FleetAuditProperties;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.audit.domain.ChainVerifier;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The admin audit API, guarded by the admin token ({@code fleet.admin.paths}):
 * <ul>
 * <li>{@code GET /audit/events?tenant=&limit=&after=}: a tenant's events in recording order,
 * {@code limit} at a time (default and maximum from {@code fleet.audit}), after the {@code seq}
 * given in {@code after}; the last {@code seq} of a page is the next page's {@code after}.</li>
 * <li>{@code GET /audit/events?tenant=&from=&to=&format=jsonl}: every event of the tenant that
 * occurred in [{@code from}, {@code to}) (ISO-8601 instants, both optional), in chain order, one
 * JSON object per line, streamed from the database as it is read.</li>
 * <li>{@code GET /audit/verify?tenant=}: walks the tenant's hash chain and names its first broken row.</li>
 * </ul>
 */
@RestController
class AuditController {

    static final MediaType JSONL = MediaType.parseMediaType("application/jsonl");

    private final AuditLog auditLog;
    private final FleetAuditProperties properties;
    private final ObjectMapper json;

    AuditController(AuditLog auditLog, FleetAuditProperties properties, ObjectMapper json) {
        this.auditLog = auditLog;
        this.properties = properties;
        this.json = json;
    }

    @GetMapping("/audit/events")
    Mono<AuditEventsResponse> events(@RequestParam(required = false) String tenant,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String after) {
        String tenantId = tenant(tenant);
        int pageSize = (int) number("limit", limit, properties.defaultPageSize(), 1, properties.maxPageSize());
        long afterSeq = number("after", after, 0, 0, Long.MAX_VALUE);
        return auditLog.page(tenantId, afterSeq, pageSize)
                .map(AuditEventsResponse.Event::of)
                .collectList()
                .map(AuditEventsResponse::new);
    }

    @GetMapping(value = "/audit/events", params = "format")
    ResponseEntity<Flux<String>> export(@RequestParam(required = false) String tenant,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam String format) {
        String tenantId = tenant(tenant);
        if (!"jsonl".equals(format)) {
            throw new ApiErrorException(ApiError.invalidRequest("'format' must be jsonl", "format"));
        }
        Instant start = instant("from", from, Instant.EPOCH);
        Instant end = instant("to", to, Instant.parse("9999-12-31T23:59:59Z"));
        Flux<String> lines = auditLog.export(tenantId, start, end)
                .map(event -> line(AuditEventsResponse.Event.of(event)));
        return ResponseEntity.ok().contentType(JSONL).body(lines);
    }

    @GetMapping("/audit/verify")
    Mono<VerificationResponse> verify(@RequestParam(required = false) String tenant) {
        String tenantId = tenant(tenant);
        return ChainVerifier.verify(tenantId, auditLog.chain(tenantId)).map(VerificationResponse::of);
    }

    private String line(AuditEventsResponse.Event event) {
        try {
            return json.writeValueAsString(event) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit event as JSON", e);
        }
    }

    private static String tenant(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new ApiErrorException(ApiError.invalidRequest("'tenant' is required", "tenant"));
        }
        return tenant;
    }

    private static Instant instant(String param, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ApiErrorException(ApiError.invalidRequest(
                    "'" + param + "' must be an ISO-8601 instant, e.g. 2025-03-01T00:00:00Z", param));
        }
    }

    private static long number(String param, String value, long fallback, long min, long max) {
        if (value == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiErrorException(ApiError.invalidRequest(
                "'" + param + "' must be an integer from " + min + " to " + max, param));
    }
}
