package dev.fleet.gateway.web;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.fleet.gateway.domain.ApiKeyDirectory;
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
 * against the {@link ApiKeyDirectory} and puts the {@link Caller} into the exchange attribute
 * {@link #CALLER}. A rejected request is answered here (401/403, OpenAI error shape) and never
 * reaches a handler, so nothing is published for it. The key itself is never logged.
 */
@Component
public class ApiKeyAuthenticationFilter implements WebFilter, Ordered {

    /** Exchange attribute holding the authenticated {@link Caller}. */
    public static final String CALLER = "dev.fleet.gateway.caller";

    private static final GuardedPaths API = new GuardedPaths(List.of("/v1/"));

    private final ApiKeyDirectory directory;
    private final ObjectMapper json;
    private final RefusalCounter refusals;

    public ApiKeyAuthenticationFilter(ApiKeyDirectory directory, ObjectMapper json, RefusalCounter refusals) {
        this.directory = directory;
        this.json = json;
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
        Authentication authentication = directory.authenticate(key);
        if (!authentication.isAuthenticated()) {
            Caller owner = directory.owner(key);
            refusals.record(owner == null ? null : owner.tenantId(), owner == null ? null : owner.keyId(),
                    refusalReason(authentication.outcome()));
        }
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
        };
    }

    private static String refusalReason(Authentication.Outcome outcome) {
        return switch (outcome) {
            case REVOKED_KEY -> "revoked_api_key";
            case TENANT_SUSPENDED -> "tenant_suspended";
            case UNKNOWN_KEY, UNKNOWN_TENANT, AUTHENTICATED -> "invalid_api_key";
        };
    }

    private Mono<Void> reject(ServerWebExchange exchange, ApiError error) {
        HttpHeaders headers = new HttpHeaders();
        if (error.status() == HttpStatus.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return ApiErrorResponses.write(exchange.getResponse(), error, headers, json);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
