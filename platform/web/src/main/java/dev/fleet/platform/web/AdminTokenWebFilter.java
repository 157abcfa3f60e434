package dev.fleet.platform.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Lets a request to an admin path through only with {@code Authorization: Bearer <admin token>}
 * (compared in constant time). Without a configured token the admin API is closed (503).
 */
public class AdminTokenWebFilter implements WebFilter, Ordered {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GuardedPaths guarded;
    private final byte[] token;

    public AdminTokenWebFilter(AdminProperties properties) {
        this.guarded = new GuardedPaths(properties.paths());
        this.token = properties.token() == null ? new byte[0] : properties.token().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!guarded.matches(exchange)) {
            return chain.filter(exchange);
        }
        if (token.length == 0) {
            return reject(exchange, ApiError.unavailable("the admin API is disabled: set FLEET_ADMIN_TOKEN",
                    "admin_api_disabled"));
        }
        var bearer = BearerToken.from(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        if (bearer.isEmpty()) {
            return reject(exchange, ApiError.unauthorized("missing admin bearer token", "missing_admin_token"));
        }
        byte[] presented = bearer.get().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, token)) {
            return reject(exchange, ApiError.unauthorized("invalid admin token", "invalid_admin_token"));
        }
        return chain.filter(exchange);
    }

    private static Mono<Void> reject(ServerWebExchange exchange, ApiError error) {
        return ApiErrorResponses.write(exchange.getResponse(), error, JSON);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
