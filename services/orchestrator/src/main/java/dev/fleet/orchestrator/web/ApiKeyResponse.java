package dev.fleet.orchestrator.web;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.orchestrator.domain.IssuedKey;
import dev.fleet.orchestrator.domain.TenantKey;

/** An API key as the admin API shows it; {@code key} only in the response that issued it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyResponse(
        String id,
        String key,
        @JsonProperty("tenant_id") String tenantId,
        String prefix,
        List<String> scopes,
        String status,
        LimitsBody limits) {

    static ApiKeyResponse issued(IssuedKey issued) {
        return of(issued.key(), issued.secret());
    }

    static ApiKeyResponse of(TenantKey key, String secret) {
        return new ApiKeyResponse(key.id().toString(), secret, key.tenantId().toString(), key.prefix(), key.scopes(),
                key.status().name().toLowerCase(Locale.ROOT), key.limits().isNone() ? null
                        : LimitsBody.ofKey(key.limits().requestsPerMinute(), key.limits().tokensPerMinute()));
    }

    @Override
    public String toString() { // never print the key
        return "ApiKeyResponse[id=" + id + ", prefix=" + prefix + "]";
    }
}
