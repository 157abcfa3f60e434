package dev.fleet.gateway.web;

import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.gateway.domain.ItemQuotaExceededException;
import dev.fleet.gateway.domain.ItemTooLargeException;
import dev.fleet.gateway.domain.ReplyTimeoutException;
import dev.fleet.gateway.domain.RequestTooLargeException;
import dev.fleet.gateway.domain.UpstreamFailureException;
import dev.fleet.gateway.domain.ratelimit.RateLimitExceededException;
import dev.fleet.gateway.domain.ratelimit.RateLimiterUnavailableException;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

/**
 * OpenAI-shaped answers to the gateway's own failures: Kafka unavailable (503 with
 * {@code Retry-After}, code {@code kafka_unavailable}), no reply in time (504), an error reply
 * from the embedding-worker or scorer, a request too large for its topic (400 {@code request_too_large}),
 * an item over its tenant's per-item cap (413 {@code item_too_large}) or an upsert over the tenant's item
 * storage limits (429 {@code quota_exceeded}).
 * Request errors are left to the platform's {@link ApiErrorHandler}.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class GatewayErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrorHandler.class);

    private final Duration retryAfter;

    public GatewayErrorHandler(FleetGatewayProperties properties) {
        this.retryAfter = properties.retryAfter();
    }

    @ExceptionHandler(EventBusUnavailableException.class)
    ResponseEntity<Map<String, Object>> eventBusUnavailable(EventBusUnavailableException e) {
        log.warn("answering 503: {}", e.getMessage());
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable("The service is temporarily "
                + "unable to accept requests; retry after " + Math.max(1, retryAfter.toSeconds()) + "s.",
                "kafka_unavailable"), retryAfter));
    }

    @ExceptionHandler(RateLimitExceededException.class)
    ResponseEntity<Map<String, Object>> rateLimited(RateLimitExceededException e) {
        return ApiErrorHandler.respond(new ApiErrorException(RateLimitFilter.RateLimitErrors.exceeded(e),
                Duration.ofSeconds(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000))));
    }

    @ExceptionHandler(RateLimiterUnavailableException.class)
    ResponseEntity<Map<String, Object>> rateLimiterUnavailable(RateLimiterUnavailableException e) {
        log.warn("answering 503: {}", e.getMessage());
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable("Rate limits cannot be checked "
                + "right now; retry after " + Math.max(1, retryAfter.toSeconds()) + "s.", "rate_limiter_unavailable"),
                retryAfter));
    }

    @ExceptionHandler(ReplyTimeoutException.class)
    ResponseEntity<Map<String, Object>> timeout(ReplyTimeoutException e) {
        log.warn("answering 504: {}", e.getMessage());
        return ApiErrorHandler.respond(ApiError.timeout(e.getMessage()));
    }

    @ExceptionHandler(RequestTooLargeException.class)
    ResponseEntity<Map<String, Object>> tooLarge(RequestTooLargeException e) {
        return ApiErrorHandler.respond(new ApiError(HttpStatus.BAD_REQUEST, "The request is too large to be "
                + "carried: " + e.getMessage() + ". Send fewer or shorter messages or inputs.",
                "invalid_request_error", null, "request_too_large"));
    }

    /** One item over its tenant's per-item cap: 413, as a body over a size limit (decision 0048). */
    @ExceptionHandler(ItemTooLargeException.class)
    ResponseEntity<Map<String, Object>> itemTooLarge(ItemTooLargeException e) {
        return ApiErrorHandler.respond(new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, "An item is too large: "
                + e.getMessage() + ". Send it shorter or split it.", "invalid_request_error",
                "items[" + e.index() + "]", "item_too_large"));
    }

    /** An upsert over the tenant's item or byte limit: 429 without Retry-After (waiting does not help). */
    @ExceptionHandler(ItemQuotaExceededException.class)
    ResponseEntity<Map<String, Object>> itemQuotaExceeded(ItemQuotaExceededException e) {
        return ApiErrorHandler.respond(new ApiError(HttpStatus.TOO_MANY_REQUESTS, "You exceeded your knowledge "
                + "storage quota: " + e.getMessage() + ". Delete items or ask for a higher limit.",
                "insufficient_quota", "items", "quota_exceeded"));
    }

    @ExceptionHandler(UpstreamFailureException.class)
    ResponseEntity<Map<String, Object>> upstream(UpstreamFailureException e) {
        ApiError error = UpstreamErrors.forKnowledge(e.error());
        if (UpstreamErrors.retryable(e.error())) {
            return ApiErrorHandler.respond(new ApiErrorException(error, retryAfter));
        }
        return ApiErrorHandler.respond(error);
    }
}
