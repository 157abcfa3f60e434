package dev.fleet.gateway.domain.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.KeyLimits;
import dev.fleet.events.v1.Tenant;

/**
 * The limits of every tenant and of every key that has its own, as the compacted {@code tenants}
 * and {@code api-keys} topics say (fed record by record; a tombstone removes). A limit's version is
 * the record's {@code updatedAt}.
 */
public final class LimitsDirectory {

    private final Map<String, Limits> tenants = new ConcurrentHashMap<>();
    private final Map<String, Limits> keys = new ConcurrentHashMap<>();

    public void applyTenant(String tenantId, Tenant tenant) {
        if (tenant == null) {
            tenants.remove(tenantId);
            return;
        }
        Long tpm = tenant.getTokensPerMinute();
        tenants.put(tenantId, new Limits(tenant.getRequestsPerMinute(), tpm == null ? 0 : tpm,
                tenant.getUpdatedAt().toEpochMilli()));
    }

    public void applyKey(String keyId, ApiKey key) {
        KeyLimits own = key == null ? null : key.getLimits();
        if (own == null || (own.getRequestsPerMinute() == null && own.getTokensPerMinute() == null)) {
            keys.remove(keyId);
            return;
        }
        keys.put(keyId, new Limits(own.getRequestsPerMinute() == null ? 0 : own.getRequestsPerMinute(),
                own.getTokensPerMinute() == null ? 0 : own.getTokensPerMinute(), key.getUpdatedAt().toEpochMilli()));
    }

    /** The tenant's limits; {@link Limits#NONE} for a tenant not (yet) known. */
    public Limits forTenant(String tenantId) {
        return tenants.getOrDefault(tenantId, Limits.NONE);
    }

    /** The key's own limits; {@link Limits#NONE} when it has none. */
    public Limits forKey(String keyId) {
        return keys.getOrDefault(keyId, Limits.NONE);
    }
}
