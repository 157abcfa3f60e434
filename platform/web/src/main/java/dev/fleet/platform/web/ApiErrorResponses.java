package dev.fleet.platform.web;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;

import reactor.core.publisher.Mono;

/**
 * Writes an {@link ApiError} straight to a response, for code that runs outside the controller
 * advice (web filters, the WebExceptionHandler).
 */
public final class ApiErrorResponses {

    private ApiErrorResponses() {
    }

    public static Mono<Void> write(ServerHttpResponse response, ApiError error, ObjectMapper json) {
        return write(response, error, HttpHeaders.EMPTY, json);
    }

    public static Mono<Void> write(ServerHttpResponse response, ApiError error, HttpHeaders headers, ObjectMapper json) {
        response.setStatusCode(error.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().addAll(headers);
        byte[] body;
        try {
            body = json.writeValueAsBytes(error.body());
        } catch (JsonProcessingException e) {
            body = ("{\"error\":{\"message\":\"internal error\",\"type\":\"server_error\",\"param\":null,"
                    + "\"code\":\"internal_error\"}}").getBytes(StandardCharsets.UTF_8);
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
