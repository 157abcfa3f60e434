package dev.fleet.metering.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.metering.config.FleetMeteringProperties;
import dev.fleet.metering.domain.UsageHistory;
import dev.fleet.metering.domain.UsageNotQueryableException;
import dev.fleet.metering.domain.UsageReport;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The admin usage API: {@code GET /usage/{tenantId}?from=&to=} (ISO-8601 instants, default the
 * last {@code fleet.metering.query-range}) answers a tenant's per-minute windows that started in
 * {@code [from, to]} and their totals per meter. Guarded by the admin token ({@code fleet.admin.paths}).
 * While the usage state is not queryable it answers 503 with {@code Retry-After}.
 */
@RestController
class UsageController {

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** {@link #RETRY_AFTER} as the {@code Retry-After} header carries it. */
    static final String RETRY_AFTER_SECONDS = Long.toString(RETRY_AFTER.toSeconds());

    private final UsageHistory history;
    private final FleetMeteringProperties properties;
    private final Clock clock;

    UsageController(UsageHistory history, FleetMeteringProperties properties, Clock clock) {
        this.history = history;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/usage/{tenantId}")
    Mono<UsageResponse> usage(@PathVariable String tenantId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        Instant end = to == null ? clock.instant() : instant("to", to);
        Instant start = from == null ? end.minus(properties.queryRange()) : instant("from", from);
        if (start.isAfter(end)) {
            throw new ApiErrorException(ApiError.invalidRequest("'from' must not be after 'to'", "from"));
        }
        return Mono.fromCallable(() -> UsageReport.of(tenantId, start, end, history.windows(tenantId, start, end)))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(UsageNotQueryableException.class, e -> new ApiErrorException(
                        ApiError.unavailable("usage is not queryable yet, retry shortly", "usage_not_ready"),
                        RETRY_AFTER))
                .map(UsageResponse::of);
    }

    private static Instant instant(String param, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiErrorException(ApiError.invalidRequest(
                    "'" + param + "' must be an ISO-8601 instant such as 2025-01-31T12:00:00Z", param));
        }
    }
}
