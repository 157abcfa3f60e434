package dev.fleet.gateway.web;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorResponses;
import dev.fleet.platform.web.GuardedPaths;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses {@code /v1/**} request bodies over {@code fleet.gateway.max-body-size} with 413
 * ({@code request_too_large}, OpenAI's error shape): at once when {@code Content-Length} says so,
 * and while reading when a chunked body grows past it (the body then fails with an
 * {@link ApiErrorException} that the error handlers answer). Runs before authentication, so an
 * oversized body is never buffered.
 */
@Component
public class RequestBodyLimitFilter implements WebFilter, Ordered {

    private static final GuardedPaths API = new GuardedPaths(List.of("/v1/"));

    private final long maxBytes;
    private final ObjectMapper json;

    public RequestBodyLimitFilter(FleetGatewayProperties properties, ObjectMapper json) {
        this.maxBytes = properties.maxBodySize().toBytes();
        this.json = json;
    }

    /** The 413 for a body over {@code maxBytes}. */
    static ApiError tooLarge(long maxBytes) {
        return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, "The request body is larger than the limit of " + maxBytes
                + " bytes.", "invalid_request_error", null, "request_too_large");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!API.matches(exchange)) {
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        if (request.getHeaders().getContentLength() > maxBytes) {
            return ApiErrorResponses.write(exchange.getResponse(), tooLarge(maxBytes), new HttpHeaders(), json);
        }
        ServerHttpRequest limited = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong seen = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > maxBytes) {
                        DataBufferUtils.release(buffer);
                        sink.error(new ApiErrorException(tooLarge(maxBytes)));
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(limited).build());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
