package dev.fleet.orchestrator.web;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.orchestrator.domain.KeySummary;

/** {@code GET /admin/tenants/{id}/keys}: the tenant's keys, newest first, by prefix; never a key or its hash. */
public record KeyListResponse(List<Key> keys) {

    static KeyListResponse of(List<KeySummary> keys) {
        return new KeyListResponse(keys.stream().map(Key::of).toList());
    }

    /** One key; {@code limits} null when it has none of its own, {@code revoked_at} null while active. */
    public record Key(
            String id,
            @JsonProperty("tenant_id") String tenantId,
            String prefix,
            List<String> scopes,
            String status,
            LimitsBody limits,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("revoked_at") Instant revokedAt) {

        static Key of(KeySummary key) {
            return new Key(key.id().toString(), key.tenantId().toString(), key.prefix(), key.scopes(),
                    key.status().name().toLowerCase(Locale.ROOT), key.limits().isNone() ? null
                            : LimitsBody.ofKey(key.limits().requestsPerMinute(), key.limits().tokensPerMinute()),
                    key.createdAt(), key.revokedAt());
        }
    }
}
