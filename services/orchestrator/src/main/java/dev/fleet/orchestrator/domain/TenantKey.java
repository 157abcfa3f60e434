package dev.fleet.orchestrator.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.fleet.events.v1.ApiKeyStatus;

/**
 * A tenant's API key as stored: its SHA-256 and a short prefix to recognise it by — never the
 * key itself, which exists only in the response that issued it.
 */
public record TenantKey(UUID id, UUID tenantId, String sha256, String prefix, List<String> scopes,
        ApiKeyStatus status, KeyRateLimits limits, Instant createdAt, Instant updatedAt) {

    /** What every key may do today; per-key scopes are a later admin feature. */
    public static final List<String> DEFAULT_SCOPES = List.of("chat", "embeddings", "items", "search", "risk");

    public TenantKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(status, "status");
        scopes = List.copyOf(scopes);
        limits = limits == null ? KeyRateLimits.NONE : limits;
    }

    /** A new, active key of {@code tenantId} for {@code minted}. */
    public static TenantKey issue(UUID tenantId, MintedKey minted, KeyRateLimits limits, Instant now) {
        return new TenantKey(UUID.randomUUID(), tenantId, minted.sha256(), minted.prefix(), DEFAULT_SCOPES,
                ApiKeyStatus.ACTIVE, limits, now, now);
    }
}
