package dev.fleet.gateway.web;

import org.springframework.http.HttpStatus;

import dev.fleet.events.v1.ReplyError;
import dev.fleet.platform.web.ApiError;

/**
 * The HTTP status of an error a fleet service replied with. Chat: {@code model_not_found} 404,
 * {@code invalid_request_error} 400, a {@code timeout} 504, provider errors (code or type starting
 * with {@code provider} or {@code upstream}) 502, anything else 500. Embeddings and search: 404 /
 * 400 as for chat, anything else 502 (the worker is this gateway's upstream).
 */
final class UpstreamErrors {

    private UpstreamErrors() {
    }

    static ApiError forChat(ReplyError error) {
        return apiError(error, common(error) != null ? common(error)
                : isProvider(error) ? HttpStatus.BAD_GATEWAY
                : "timeout".equals(error.getCode()) ? HttpStatus.GATEWAY_TIMEOUT
                : HttpStatus.INTERNAL_SERVER_ERROR);
    }

    static ApiError forKnowledge(ReplyError error) {
        return apiError(error, common(error) != null ? common(error) : HttpStatus.BAD_GATEWAY);
    }

    private static HttpStatus common(ReplyError error) {
        if ("model_not_found".equals(error.getCode())) {
            return HttpStatus.NOT_FOUND;
        }
        if ("invalid_request_error".equals(error.getType())) {
            return HttpStatus.BAD_REQUEST;
        }
        return null;
    }

    private static boolean isProvider(ReplyError error) {
        String code = String.valueOf(error.getCode());
        String type = String.valueOf(error.getType());
        return code.startsWith("provider") || code.startsWith("upstream") || type.startsWith("provider")
                || type.startsWith("upstream");
    }

    private static ApiError apiError(ReplyError error, HttpStatus status) {
        return new ApiError(status, error.getMessage(), error.getType(), null, error.getCode());
    }
}
