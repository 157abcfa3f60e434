package dev.fleet.gateway.domain.ratelimit;

import java.util.Objects;

/**
 * A rate-limit budget: a tenant's ({@code t:<tenantId>}) or one key's own ({@code k:<keyId>}).
 * The id is the key of its claims, so every claim of one budget reaches the same owner.
 */
public record Budget(String id, String tenantId) {

    public Budget {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
    }

    public static Budget ofTenant(String tenantId) {
        return new Budget("t:" + tenantId, tenantId);
    }

    public static Budget ofKey(String tenantId, String keyId) {
        return new Budget("k:" + keyId, tenantId);
    }
}
