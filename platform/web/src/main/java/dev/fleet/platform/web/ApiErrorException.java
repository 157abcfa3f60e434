package dev.fleet.platform.web;

/** Thrown by handlers to answer with an {@link ApiError}; rendered by {@link ApiErrorHandler}. */
public class ApiErrorException extends RuntimeException {

    private final transient ApiError error;

    public ApiErrorException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
