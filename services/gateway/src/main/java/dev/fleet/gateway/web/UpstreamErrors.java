package dev.fleet.gateway.web;

import org.springframework.http.HttpStatus;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.platform.web.ApiError;
import dev.fleet.schemas.OpenAiNames;

/**
 * The HTTP status of an error a fleet service replied with. Chat: {@code MODEL_NOT_FOUND} and
 * {@code NOT_FOUND_ERROR} (another tenant's or no such conversation) 404, any other {@code INVALID_REQUEST_ERROR} 400,
 * {@code RATE_LIMIT_ERROR} 429 with OpenAI's code {@code rate_limit_exceeded} (every model provider
 * was rate limited; ErrorCode has no such symbol yet), {@code PROVIDER_UNAVAILABLE} 502, {@code TIMEOUT} 504,
 * anything else 500. Embeddings and search: 404 / 400 as for chat, {@code SERVER_ERROR}/{@code TIMEOUT} 503
 * (a scorer partition being rebuilt; the handler adds {@code Retry-After}), anything else 502 (the worker is
 * this gateway's upstream). Type and code reach the client in OpenAI's lower-case spelling.
 */
final class UpstreamErrors {

    private UpstreamErrors() {
    }

    static ApiError forChat(ReplyError error) {
        if (error.getType() == ErrorType.NOT_FOUND_ERROR) { // something the client named, e.g. a conversation
            return apiError(error, HttpStatus.NOT_FOUND);
        }
        if (error.getType() == ErrorType.RATE_LIMIT_ERROR) { // every model provider of the route refused with 429
            return new ApiError(HttpStatus.TOO_MANY_REQUESTS, error.getMessage(), OpenAiNames.of(error.getType()),
                    null, "rate_limit_exceeded");
        }
        return apiError(error, status(error, switch (error.getCode()) {
            case PROVIDER_UNAVAILABLE -> HttpStatus.BAD_GATEWAY;
            case TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        }));
    }

    static ApiError forKnowledge(ReplyError error) {
        if (retryable(error)) {
            return apiError(error, HttpStatus.SERVICE_UNAVAILABLE);
        }
        return apiError(error, status(error, HttpStatus.BAD_GATEWAY));
    }

    /**
     * A knowledge error worth retrying shortly: the scorer's {@code SERVER_ERROR}/{@code TIMEOUT}, which it
     * answers when the index partition of the collection is being rebuilt after a rebalance (decision 0034);
     * 503 with {@code Retry-After}.
     */
    static boolean retryable(ReplyError error) {
        return error.getType() == ErrorType.SERVER_ERROR && error.getCode() == ErrorCode.TIMEOUT;
    }

    /** 404 for an unknown model, 400 for any other invalid request, otherwise {@code serverFault}. */
    private static HttpStatus status(ReplyError error, HttpStatus serverFault) {
        if (error.getCode() == ErrorCode.MODEL_NOT_FOUND) {
            return HttpStatus.NOT_FOUND;
        }
        return switch (error.getType()) {
            case INVALID_REQUEST_ERROR -> HttpStatus.BAD_REQUEST;
            // an upstream's own authentication, permission, lookup or rate-limit trouble is not the client's fault
            case AUTHENTICATION_ERROR, PERMISSION_ERROR, NOT_FOUND_ERROR, RATE_LIMIT_ERROR, SERVER_ERROR -> serverFault;
        };
    }

    private static ApiError apiError(ReplyError error, HttpStatus status) {
        return new ApiError(status, error.getMessage(), OpenAiNames.of(error.getType()), null,
                OpenAiNames.of(error.getCode()));
    }
}
