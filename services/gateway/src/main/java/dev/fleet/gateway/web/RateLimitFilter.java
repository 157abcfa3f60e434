package dev.fleet.gateway.web;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.QuotaDirectory;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.ratelimit.BudgetStatus;
import dev.fleet.gateway.domain.ratelimit.RateLimitExceededException;
import dev.fleet.gateway.domain.ratelimit.RateLimiter;
import dev.fleet.gateway.domain.ratelimit.RateLimiterUnavailableException;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorResponses;

import reactor.core.publisher.Mono;

/**
 * Refuses a tenant over its monthly token quota (429 {@code insufficient_quota}, {@link QuotaDirectory}),
 * then counts every authenticated {@code /v1/**} request against its tenant's (and key's) requests per
 * minute, after {@link ApiKeyAuthenticationFilter}, and puts OpenAI's {@code x-ratelimit-*} headers on
 * every response (taken when the response is committed, so a chat's prompt tokens are in them). A
 * request over a limit is answered here — 429, {@code rate_limit_exceeded}, {@code Retry-After} — and
 * never reaches a handler, so nothing is published for it; so is one whose limit cannot be checked
 * (503: limits hold exactly or the request waits).
 */
@Component
public class RateLimitFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimiter limiter;
    private final QuotaDirectory quotas;
    private final RefusalCounter refusals;
    private final ObjectMapper json;
    private final Duration retryAfter;

    public RateLimitFilter(RateLimiter limiter, QuotaDirectory quotas, RefusalCounter refusals, ObjectMapper json,
            FleetGatewayProperties properties) {
        this.limiter = limiter;
        this.quotas = quotas;
        this.refusals = refusals;
        this.json = json;
        this.retryAfter = properties.retryAfter();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Caller caller = exchange.getAttribute(ApiKeyAuthenticationFilter.CALLER);
        if (caller == null) {
            return chain.filter(exchange);
        }
        Optional<Duration> overQuota = quotas.exceeded(caller.tenantId());
        if (overQuota.isPresent()) {
            refusals.record(caller.tenantId(), caller.keyId(), "quota_exceeded");
            return write(exchange, new ApiError(HttpStatus.TOO_MANY_REQUESTS, "You exceeded your monthly token "
                    + "quota; it renews at the start of next month (UTC), or when the quota is raised.",
                    "insufficient_quota", null, "insufficient_quota"), overQuota.get());
        }
        exchange.getResponse().beforeCommit(() -> {
            RateLimitHeaders.put(exchange.getResponse().getHeaders(), limiter.status(caller.tenantId(), caller.keyId()));
            return Mono.empty();
        });
        return limiter.admit(caller.tenantId(), caller.keyId(), 1, 0)
                .thenReturn(true)
                .onErrorResume(RateLimitExceededException.class, e -> refuse(exchange, e).thenReturn(false))
                .onErrorResume(RateLimiterUnavailableException.class, e -> unavailable(exchange, e).thenReturn(false))
                .flatMap(admitted -> admitted ? chain.filter(exchange) : Mono.empty());
    }

    private Mono<Void> refuse(ServerWebExchange exchange, RateLimitExceededException e) {
        return write(exchange, RateLimitErrors.exceeded(e), e.retryAfter());
    }

    private Mono<Void> unavailable(ServerWebExchange exchange, RateLimiterUnavailableException e) {
        log.warn("answering 503: {}", e.getMessage());
        return write(exchange, ApiError.unavailable("Rate limits cannot be checked right now; retry after "
                + Math.max(1, retryAfter.toSeconds()) + "s.", "rate_limiter_unavailable"), retryAfter);
    }

    private Mono<Void> write(ServerWebExchange exchange, ApiError error, Duration wait) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
        return ApiErrorResponses.write(exchange.getResponse(), error, headers, json);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 30;
    }

    /** OpenAI's rate-limit headers. */
    static final class RateLimitHeaders {

        private RateLimitHeaders() {
        }

        static void put(HttpHeaders headers, BudgetStatus status) {
            if (status.limitRequests() > 0) {
                headers.set("x-ratelimit-limit-requests", Long.toString(status.limitRequests()));
                headers.set("x-ratelimit-remaining-requests", Long.toString(status.remainingRequests()));
                headers.set("x-ratelimit-reset-requests", duration(status.resetMillis()));
            }
            if (status.limitTokens() > 0) {
                headers.set("x-ratelimit-limit-tokens", Long.toString(status.limitTokens()));
                headers.set("x-ratelimit-remaining-tokens", Long.toString(status.remainingTokens()));
                headers.set("x-ratelimit-reset-tokens", duration(status.resetMillis()));
            }
        }

        /** OpenAI's spelling of a duration: {@code 850ms}, {@code 12.5s}, {@code 1m3s}. */
        static String duration(long millis) {
            if (millis < 1_000) {
                return millis + "ms";
            }
            long minutes = millis / 60_000;
            long restMillis = millis % 60_000;
            String seconds = restMillis % 1_000 == 0 ? Long.toString(restMillis / 1_000)
                    : new java.math.BigDecimal(restMillis).movePointLeft(3).stripTrailingZeros().toPlainString();
            return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
        }
    }

    /** The 429 of a refused request, as OpenAI words it. */
    static final class RateLimitErrors {

        private RateLimitErrors() {
        }

        static ApiError exceeded(RateLimitExceededException e) {
            String type = e.dimension() == RateLimitExceededException.Dimension.REQUESTS ? "requests" : "tokens";
            return new ApiError(HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), type, null, "rate_limit_exceeded");
        }
    }
}
