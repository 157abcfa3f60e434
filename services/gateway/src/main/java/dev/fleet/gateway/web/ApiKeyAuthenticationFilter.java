package dev.fleet.gateway.web;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.domain.ApiKeyAuthenticator;
import dev.fleet.gateway.domain.Authentication;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorResponses;
import dev.fleet.platform.web.BearerToken;
import dev.fleet.platform.web.GuardedPaths;

import reactor.core.publisher.Mono;

/**
 * Authenticates every {@code /v1/**} request by its {@code Authorization: Bearer fk-...} key
 * through the {@link ApiKeyAuthenticator} and puts the {@link Caller} into the exchange attribute
 * {@link #CALLER}. A rejected request is answered here (401/403, OpenAI error shape; 503 with
 * {@code Retry-After} while the key directory is still loading or cannot confirm a new key) and
 * never reaches a handler, so nothing is published for it. The key itself is never logged.
 */
@Component
public class ApiKeyAuthenticationFilter implements WebFilter, Ordered {

    /** Exchange attribute holding the authenticated {@link Caller}. */
    public static final String CALLER = "dev.fleet.gateway.caller";

    private static final GuardedPaths API = new GuardedPaths(List.of("/v1/"));

    private final ApiKeyAuthenticator authenticator;
    private final ObjectMapper json;
    private final String retryAfterSeconds;
    private final RefusalCounter refusals;

    public ApiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator, ObjectMapper json,
            FleetGatewayProperties properties, RefusalCounter refusals) {
        this.authenticator = authenticator;
        this.json = json;
        this.retryAfterSeconds = Long.toString(properties.retryAfter().toSeconds());
        this.refusals = refusals;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!API.matches(exchange)) {
            return chain.filter(exchange);
        }
        String key = BearerToken.from(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
                .orElse(null);
        if (key == null) {
            refusals.record(null, null, "missing_api_key");
            return reject(exchange, ApiError.unauthorized(
                    "You didn't provide an API key. Send it as 'Authorization: Bearer fk-...'.", "missing_api_key"));
        }
        return authenticator.authenticate(key).flatMap(authentication -> proceed(exchange, chain, key, authentication));
    }

    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, String key,
            Authentication authentication) {
        refusalReason(authentication.outcome()).ifPresent(reason -> {
            Caller owner = authenticator.owner(key);
            refusals.record(owner == null ? null : owner.tenantId(), owner == null ? null : owner.keyId(), reason);
        });
        return switch (authentication.outcome()) {
            case AUTHENTICATED -> {
                exchange.getAttributes().put(CALLER, authentication.caller());
                yield chain.filter(exchange);
            }
            case REVOKED_KEY -> reject(exchange,
                    ApiError.unauthorized("This API key has been revoked.", "revoked_api_key"));
            case TENANT_SUSPENDED -> reject(exchange, new ApiError(HttpStatus.FORBIDDEN,
                    "The tenant of this API key is suspended.", "permission_error", null, "tenant_suspended"));
            case UNKNOWN_KEY, UNKNOWN_TENANT -> reject(exchange,
                    ApiError.unauthorized("Incorrect API key provided.", "invalid_api_key"));
            case NOT_LOADED -> reject(exchange, ApiError.unavailable(
                    "The gateway is still loading API keys; retry shortly.", "service_unavailable"));
            case UNVERIFIED -> reject(exchange, ApiError.unavailable(
                    "The gateway could not check this API key against the latest keys; retry shortly.",
                    "service_unavailable"));
        };
    }

    /** What the audit log counts a refusal as; none for a key accepted or not yet checkable (503). */
    private static Optional<String> refusalReason(Authentication.Outcome outcome) {
        return switch (outcome) {
            case REVOKED_KEY -> Optional.of("revoked_api_key");
            case TENANT_SUSPENDED -> Optional.of("tenant_suspended");
            case UNKNOWN_KEY, UNKNOWN_TENANT -> Optional.of("invalid_api_key");
            case AUTHENTICATED, NOT_LOADED, UNVERIFIED -> Optional.empty();
        };
    }

    private Mono<Void> reject(ServerWebExchange exchange, ApiError error) {
        HttpHeaders headers = new HttpHeaders();
        if (error.status() == HttpStatus.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (error.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            headers.set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        return ApiErrorResponses.write(exchange.getResponse(), error, headers, json);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
