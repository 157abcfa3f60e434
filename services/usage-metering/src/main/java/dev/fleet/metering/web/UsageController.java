package dev.fleet.metering.web;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;
import org.springframework.web.util.UriComponentsBuilder;

import dev.fleet.events.v1.Granularity;
import dev.fleet.metering.config.FleetMeteringProperties;
import dev.fleet.metering.domain.RollupWindow;
import dev.fleet.metering.domain.UsageHistory;
import dev.fleet.metering.domain.UsageNotQueryableException;
import dev.fleet.metering.domain.UsageOwners;
import dev.fleet.metering.domain.UsageReport;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The admin usage API: {@code GET /usage/{tenantId}?from=&to=&granularity=} (ISO-8601 instants,
 * default the last {@code fleet.metering.query-range}; granularity {@code minute} (default),
 * {@code hour}, {@code day} or {@code month}) answers a tenant's windows that started in
 * {@code [from, to]}, per meter and model, and their totals per meter. Guarded by the admin token
 * ({@code fleet.admin.paths}).
 *
 * <p>Every replica answers the same: a replica that does not hold the tenant's usage asks the one
 * that does ({@link UsageOwners}) with the same resolved range and the caller's credentials, marked
 * {@value #FORWARDED} so the owner answers from its own state. While the usage state is not
 * queryable, or the owner cannot be reached, it answers 503 with {@code Retry-After}.
 */
@RestController
class UsageController {

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** {@link #RETRY_AFTER} as the {@code Retry-After} header carries it. */
    static final String RETRY_AFTER_SECONDS = Long.toString(RETRY_AFTER.toSeconds());
    /** Marks a query one replica forwarded to the owner. */
    static final String FORWARDED = "Fleet-Usage-Forwarded";

    private final UsageHistory history;
    private final UsageOwners owners;
    private final WebClient owner;
    private final FleetMeteringProperties properties;
    private final Clock clock;

    UsageController(UsageHistory history, UsageOwners owners, WebClient.Builder http,
            FleetMeteringProperties properties, Clock clock) {
        this.history = history;
        this.owners = owners;
        this.owner = http.build();
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/usage/{tenantId}")
    Mono<UsageResponse> usage(@PathVariable String tenantId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "minute") String granularity,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestHeader(name = FORWARDED, required = false) String forwarded) {
        Granularity size = RollupWindow.parse(granularity).orElseThrow(() -> new ApiErrorException(
                ApiError.invalidRequest("'granularity' must be minute, hour, day or month", "granularity")));
        Instant end = to == null ? clock.instant() : instant("to", to);
        Instant start = from == null ? end.minus(properties.queryRange()) : instant("from", from);
        if (start.isAfter(end)) {
            throw new ApiErrorException(ApiError.invalidRequest("'from' must not be after 'to'", "from"));
        }
        return Mono.fromCallable(() -> forwarded == null ? owners.remoteOwner(tenantId) : Optional.<URI>empty())
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(remote -> remote.isPresent()
                        ? askOwner(remote.get(), tenantId, size, start, end, authorization)
                        : Mono.fromCallable(() -> UsageResponse.of(UsageReport.of(tenantId, size, start, end,
                                history.windows(tenantId, size, start, end)))).subscribeOn(Schedulers.boundedElastic()))
                .onErrorMap(UsageNotQueryableException.class, e -> notQueryable());
    }

    private Mono<UsageResponse> askOwner(URI base, String tenantId, Granularity granularity, Instant from, Instant to,
            String authorization) {
        URI uri = UriComponentsBuilder.fromUri(base).path("/usage/{tenantId}")
                .queryParam("from", from).queryParam("to", to).queryParam("granularity", RollupWindow.name(granularity))
                .buildAndExpand(tenantId).encode().toUri();
        return owner.get().uri(uri)
                .headers(headers -> {
                    if (authorization != null) {
                        headers.set(HttpHeaders.AUTHORIZATION, authorization);
                    }
                    headers.set(FORWARDED, "true");
                })
                .retrieve()
                .bodyToMono(UsageResponse.class)
                .timeout(properties.ownerTimeout())
                .onErrorMap(e -> e instanceof WebClientException || e instanceof TimeoutException,
                        e -> notQueryable());
    }

    private static ApiErrorException notQueryable() {
        return new ApiErrorException(
                ApiError.unavailable("usage is not queryable yet, retry shortly", "usage_not_ready"), RETRY_AFTER);
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
