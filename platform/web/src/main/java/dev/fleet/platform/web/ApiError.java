package dev.fleet.platform.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * An error in OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, with the
 * HTTP status it is sent with. Every Fleet HTTP API answers errors this way.
 */
public record ApiError(HttpStatus status, String message, String type, String param, String code) {

    public static ApiError invalidRequest(String message, String param) {
        return new ApiError(HttpStatus.BAD_REQUEST, message, "invalid_request_error", param, "invalid_request");
    }

    public static ApiError unauthorized(String message, String code) {
        return new ApiError(HttpStatus.UNAUTHORIZED, message, "authentication_error", null, code);
    }

    public static ApiError notFound(String message, String code) {
        return new ApiError(HttpStatus.NOT_FOUND, message, "invalid_request_error", null, code);
    }

    public static ApiError unavailable(String message, String code) {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, message, "server_error", null, code);
    }

    public static ApiError timeout(String message) {
        return new ApiError(HttpStatus.GATEWAY_TIMEOUT, message, "server_error", null, "timeout");
    }

    /** The JSON body. */
    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Map.of("error", error);
    }
}
