package dev.fleet.platform.web;

import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;

/**
 * Answers, in OpenAI's error shape and on every path (actuator included), each failure that no
 * controller advice rendered: an unknown route (404), a wrong method (405, with {@code Allow}) or
 * media type (415), an {@link ApiErrorException} from a filter or a functional route (with its
 * {@code Retry-After}), and any unexpected exception. An unexpected failure is logged with its stack
 * trace and answered with a fixed 500 message, so neither its type nor its message leaks.
 *
 * <p>Runs just before Spring Boot's own error handler (order -1), which therefore only sees what
 * this one passes on: a failure after the response was committed (a stream that breaks midway),
 * which no handler can answer any more.
 */
public class OpenAiErrorWebExceptionHandler implements WebExceptionHandler, Ordered {

    /** Before Boot's {@code DefaultErrorWebExceptionHandler} (-1) and Spring's status handler (0). */
    public static final int ORDER = -2;

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorWebExceptionHandler.class);

    private final ObjectMapper json;

    public OpenAiErrorWebExceptionHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        if (ex instanceof ApiErrorException apiError) {
            return ApiErrorResponses.write(exchange.getResponse(), apiError.error(), apiError.headers(), json);
        }
        if (ex instanceof ResponseStatusException status && status.getStatusCode().is4xxClientError()) {
            return ApiErrorResponses.write(exchange.getResponse(), clientError(exchange.getRequest(), status),
                    status.getHeaders(), json);
        }
        ServerHttpRequest request = exchange.getRequest();
        log.error("unexpected failure answering {} {}", request.getMethod(), request.getPath(), ex);
        return ApiErrorResponses.write(exchange.getResponse(), internalError(ex), json);
    }

    private static ApiError clientError(ServerHttpRequest request, ResponseStatusException e) {
        int code = e.getStatusCode().value();
        HttpStatus status = HttpStatus.resolve(code);
        String type = switch (code) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            default -> "invalid_request_error";
        };
        String errorCode = status != null ? status.name().toLowerCase(Locale.ROOT) : "http_" + code;
        return new ApiError(status != null ? status : HttpStatus.BAD_REQUEST, clientMessage(request, e, status), type,
                null, errorCode);
    }

    private static String clientMessage(ServerHttpRequest request, ResponseStatusException e, HttpStatus status) {
        if (e instanceof MethodNotAllowedException m) {
            return "Method " + m.getHttpMethod() + " is not allowed on " + request.getPath() + "; allowed: "
                    + m.getSupportedMethods().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
        }
        if (e instanceof UnsupportedMediaTypeStatusException u) {
            MediaType sent = u.getContentType();
            return "Content type '" + (sent == null ? "" : sent) + "' is not supported"
                    + (u.getSupportedMediaTypes().isEmpty() ? ""
                            : "; send " + MimeTypeUtils.toString(u.getSupportedMediaTypes()));
        }
        if (status == HttpStatus.NOT_FOUND) {
            return "Invalid URL (" + request.getMethod() + " " + request.getPath() + ")";
        }
        if (e.getReason() != null) {
            return e.getReason();
        }
        return status != null ? status.getReasonPhrase() : "invalid request";
    }

    /** The same answer for every server-side failure: what went wrong is in the log, not the response. */
    private static ApiError internalError(Throwable ex) {
        HttpStatus status = ex instanceof ResponseStatusException e ? HttpStatus.resolve(e.getStatusCode().value())
                : null;
        if (status == null || !status.is5xxServerError()) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String code = status == HttpStatus.INTERNAL_SERVER_ERROR ? "internal_error"
                : status.name().toLowerCase(Locale.ROOT);
        return new ApiError(status, "The server had an error while processing your request.", "server_error", null,
                code);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
