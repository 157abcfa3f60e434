package dev.fleet.orchestrator.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.fleet.events.v1.ApiKeyStatus;

/**
 * A tenant's API key as listed to admins: what identifies it to a person (its prefix), never its
 * hash. {@code revokedAt} is null while it is active.
 */
public record KeySummary(UUID id, UUID tenantId, String prefix, List<String> scopes, ApiKeyStatus status,
        KeyRateLimits limits, Instant createdAt, Instant revokedAt) {

    public KeySummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(status, "status");
        scopes = List.copyOf(scopes);
        limits = limits == null ? KeyRateLimits.NONE : limits;
    }

    /**
     * The summary of a stored key. A key changes only when it is revoked, so a revoked key's last
     * change is its revocation.
     */
    public static KeySummary of(TenantKey key) {
        return new KeySummary(key.id(), key.tenantId(), key.prefix(), key.scopes(), key.status(), key.limits(),
                key.createdAt(), key.status() == ApiKeyStatus.REVOKED ? key.updatedAt() : null);
    }
}
