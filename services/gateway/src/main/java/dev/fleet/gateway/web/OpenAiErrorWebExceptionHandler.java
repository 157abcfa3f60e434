package dev.fleet.gateway.web;

import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorResponses;

import reactor.core.publisher.Mono;

/**
 * Errors that never reach a controller advice on {@code /v1/**} (unknown route, wrong method or
 * media type, unexpected failures) in OpenAI's error shape, instead of Spring Boot's. Runs just
 * before Boot's own handler; other paths (actuator) keep Boot's format.
 */
@Component
@Order(-2)
public class OpenAiErrorWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorWebExceptionHandler.class);

    private final ObjectMapper json;

    public OpenAiErrorWebExceptionHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith("/v1/") || exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        return ApiErrorResponses.write(exchange.getResponse(), apiError(exchange, ex), json);
    }

    private static ApiError apiError(ServerWebExchange exchange, Throwable ex) {
        if (ex instanceof ApiErrorException apiError) {
            return apiError.error();
        }
        if (ex instanceof ResponseStatusException status) {
            HttpStatusCode code = status.getStatusCode();
            HttpStatus known = HttpStatus.resolve(code.value());
            HttpStatus httpStatus = known == null ? HttpStatus.INTERNAL_SERVER_ERROR : known;
            String message = httpStatus == HttpStatus.NOT_FOUND
                    ? "Invalid URL (" + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath() + ")"
                    : status.getReason() != null ? status.getReason() : httpStatus.getReasonPhrase();
            String type = code.is4xxClientError() ? "invalid_request_error" : "server_error";
            String errorCode = httpStatus.name().toLowerCase(Locale.ROOT);
            return new ApiError(httpStatus, message, type, null, errorCode);
        }
        log.error("unexpected failure on {}", exchange.getRequest().getPath(), ex);
        return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "The server had an error while processing your "
                + "request.", "server_error", null, "internal_error");
    }
}
