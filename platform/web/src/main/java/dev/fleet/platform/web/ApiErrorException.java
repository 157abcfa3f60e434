package dev.fleet.platform.web;

import java.time.Duration;
import java.util.Optional;

import org.springframework.http.HttpHeaders;

/**
 * Thrown by handlers to answer with an {@link ApiError}; rendered by {@link ApiErrorHandler} (from
 * controllers) or {@link OpenAiErrorWebExceptionHandler} (from filters and functional routes).
 */
public class ApiErrorException extends RuntimeException {

    private final transient ApiError error;
    private final transient Duration retryAfter;

    public ApiErrorException(ApiError error) {
        this(error, null);
    }

    /** An error the client may retry after {@code retryAfter} (sent as the {@code Retry-After} header). */
    public ApiErrorException(ApiError error, Duration retryAfter) {
        super(error.message(), null, false, false);
        this.error = error;
        this.retryAfter = retryAfter;
    }

    public ApiError error() {
        return error;
    }

    /** When the client may retry, if the server knows. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The headers the error is sent with: {@code Retry-After} in whole seconds (at least 1), if known. */
    public HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        retryAfter().ifPresent(d -> headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, d.toSeconds()))));
        return headers;
    }
}
