package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;

/**
 * A model provider's failure, classified so that the {@link ChatRouter} and the resilience around a
 * provider can decide without knowing its client library: whether another attempt may succeed
 * ({@link #retryable()}), whether the next target of the route should be tried
 * ({@link #fallsBack()}), and what the client is told. A failure after text was streamed is never
 * retried nor fallen back from (the client already has part of this target's answer).
 * <p>
 * What the client sees: {@link Cause#REJECTED} is the client's fault ({@code invalid_request_error},
 * 400); {@link Cause#RATE_LIMITED} is {@code rate_limit_error} (429 at the gateway; the code stays
 * {@code provider_unavailable} until ErrorCode has a rate-limit symbol); everything else is
 * {@code server_error}/{@code provider_unavailable} (502).
 */
public final class ProviderFailure extends ChatFailure {

    /** What went wrong, as far as it matters for retrying and falling back. */
    public enum Cause {
        /** Could not connect, or the connection broke. */
        UNREACHABLE,
        /** No first token, no next token, or no end within the provider's timeouts. */
        TIMEOUT,
        /** HTTP 5xx or 408. */
        SERVER_ERROR,
        /** HTTP 429. */
        RATE_LIMITED,
        /** The provider's circuit breaker is open: not called at all. */
        CIRCUIT_OPEN,
        /** HTTP 401, 403 or 404: the provider's key or model name is wrong — another target may be right. */
        MISCONFIGURED,
        /** Any other HTTP 4xx: the request itself is refused, and would be by any target. */
        REJECTED,
        /**
         * The provider's kind cannot serve what the request asks (tools, a response format): not called; another
         * target of the route may serve it, and when none does the client is told why (an invalid request).
         */
        UNSUPPORTED,
        /** The provider's client failed in some other way. */
        OTHER
    }

    private final Cause cause;
    private final boolean afterText;
    private final String provider;

    private ProviderFailure(ErrorType type, ErrorCode code, String message, Cause cause, boolean afterText,
            String provider) {
        super(type, code, message);
        this.cause = cause;
        this.afterText = afterText;
        this.provider = provider;
    }

    /** A failure of {@code provider} before it streamed any text. */
    public static ProviderFailure of(String provider, Cause cause, String message) {
        return new ProviderFailure(typeOf(cause), codeOf(cause), message, cause, false, provider);
    }

    /** The same failure, having happened after text was streamed. */
    public ProviderFailure afterText() {
        return afterText ? this : new ProviderFailure(ErrorType.SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE,
                getMessage() + " during the stream", cause, true, provider);
    }

    private static ErrorType typeOf(Cause cause) {
        return switch (cause) {
            case REJECTED, UNSUPPORTED -> ErrorType.INVALID_REQUEST_ERROR;
            case RATE_LIMITED -> ErrorType.RATE_LIMIT_ERROR;
            default -> ErrorType.SERVER_ERROR;
        };
    }

    private static ErrorCode codeOf(Cause cause) {
        return cause == Cause.REJECTED || cause == Cause.UNSUPPORTED ? ErrorCode.INVALID_REQUEST
                : ErrorCode.PROVIDER_UNAVAILABLE;
    }

    public Cause cause() {
        return cause;
    }

    public boolean isAfterText() {
        return afterText;
    }

    public String provider() {
        return provider;
    }

    /** Another attempt at the same target may succeed. */
    public boolean retryable() {
        return !afterText && switch (cause) {
            case UNREACHABLE, TIMEOUT, SERVER_ERROR, RATE_LIMITED -> true;
            default -> false;
        };
    }

    /** Says something about the endpoint's health (what a circuit breaker counts); a 429 or a refused request does not. */
    public boolean endpointFault() {
        return switch (cause) {
            case UNREACHABLE, TIMEOUT, SERVER_ERROR, OTHER -> true;
            default -> false;
        };
    }

    /** The next target of the route may answer instead. */
    public boolean fallsBack() {
        return !afterText && cause != Cause.REJECTED;
    }

    /** OpenAI's error code for this failure, as {@code ModelFallbackUsed.errorCode} records it. */
    public String openAiCode() {
        return switch (cause) {
            case RATE_LIMITED -> "rate_limit_exceeded";
            case TIMEOUT -> "timeout";
            case REJECTED -> "invalid_request";
            case UNSUPPORTED -> "unsupported_parameter";
            case MISCONFIGURED -> "provider_misconfigured";
            default -> "provider_unavailable";
        };
    }
}
