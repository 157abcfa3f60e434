package dev.fleet.platform.web;

import java.util.Map;

import org.springframework.core.codec.DecodingException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Renders request errors of every Fleet HTTP API in OpenAI's error shape. Covers what controllers
 * throw; everything else (routing errors, filters, unexpected failures) is answered by
 * {@link OpenAiErrorWebExceptionHandler}.
 */
@RestControllerAdvice
public class ApiErrorHandler {

    @ExceptionHandler(ApiErrorException.class)
    ResponseEntity<Map<String, Object>> apiError(ApiErrorException e) {
        return respond(e);
    }

    @ExceptionHandler(WebExchangeBindException.class)
    ResponseEntity<Map<String, Object>> invalidBody(WebExchangeBindException e) {
        var field = e.getFieldErrors().stream().findFirst();
        String param = field.map(f -> f.getField()).orElse(null);
        String message = field.map(f -> f.getField() + ": " + f.getDefaultMessage())
                .orElse("the request body is invalid");
        return respond(ApiError.invalidRequest(message, param));
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<Map<String, Object>> unreadableBody(ServerWebInputException e) {
        String detail = e.getMostSpecificCause() instanceof DecodingException d && d.getMessage() != null
                ? d.getMessage() : e.getReason();
        return respond(ApiError.invalidRequest("could not parse the request body: " + detail, null));
    }

    public static ResponseEntity<Map<String, Object>> respond(ApiError error) {
        return ResponseEntity.status(error.status()).body(error.body());
    }

    /** The answer to {@code e}, with its {@code Retry-After}; for a service's own advice that maps its exceptions. */
    public static ResponseEntity<Map<String, Object>> respond(ApiErrorException e) {
        return ResponseEntity.status(e.error().status()).headers(e.headers()).body(e.error().body());
    }
}
