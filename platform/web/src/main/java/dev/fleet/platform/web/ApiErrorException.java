package dev.fleet.platform.web;

import java.time.Duration;
import java.util.Optional;

/** Thrown by handlers to answer with an {@link ApiError}; rendered by {@link ApiErrorHandler}. */
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
}
