package dev.fleet.audit.web;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.audit.config.FleetAuditProperties;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import reactor.core.publisher.Mono;

/**
 * The admin audit API: {@code GET /audit/events?tenant=&limit=&after=} answers a tenant's events in
 * recording order, {@code limit} at a time (default and maximum from {@code fleet.audit}), after the
 * {@code seq} given in {@code after}; the last {@code seq} of a page is the next page's {@code after}.
 * Guarded by the admin token ({@code fleet.admin.paths}).
 */
@RestController
class AuditController {

    private final AuditLog auditLog;
    private final FleetAuditProperties properties;

    AuditController(AuditLog auditLog, FleetAuditProperties properties) {
        this.auditLog = auditLog;
        this.properties = properties;
    }

    @GetMapping("/audit/events")
    Mono<AuditEventsResponse> events(@RequestParam(required = false) String tenant,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String after) {
        if (tenant == null || tenant.isBlank()) {
            throw new ApiErrorException(ApiError.invalidRequest("'tenant' is required", "tenant"));
        }
        int pageSize = (int) number("limit", limit, properties.defaultPageSize(), 1, properties.maxPageSize());
        long afterSeq = number("after", after, 0, 0, Long.MAX_VALUE);
        return auditLog.page(tenant, afterSeq, pageSize)
                .map(AuditEventsResponse.Event::of)
                .collectList()
                .map(AuditEventsResponse::new);
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
