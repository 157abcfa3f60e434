package dev.fleet.gateway.domain;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.schemas.ApiKeyHash;

/**
 * This replica's in-memory view of API keys and tenants, fed record by record from the compacted
 * {@code api-keys} and {@code tenants} topics (a {@code null} value is a tombstone and removes the
 * entry), and the place a presented key is checked. Holds only hashes, never clear keys.
 * <p>
 * Thread-safety: updates come from one feeder thread per topic and are serialized; lookups are
 * lock-free. Limits: the view is as fresh as the mirrors (typically well under a second); a key
 * whose tenant record has not arrived yet is {@link Authentication.Outcome#UNKNOWN_TENANT} here, and
 * {@link ApiKeyAuthenticator} catches the mirrors up before it refuses such a key.
 */
public final class ApiKeyDirectory {

    private record KeyEntry(String keyId, String tenantId, String sha256, ApiKeyStatus status, List<String> scopes) {
    }

    private final Map<String, KeyEntry> keysById = new HashMap<>(); // guarded by this
    private final Map<String, KeyEntry> keysByHash = new ConcurrentHashMap<>();
    private final Map<String, TenantStatus> tenants = new ConcurrentHashMap<>();

    /**
     * Applies one record of the api-keys topic.
     *
     * @throws IllegalArgumentException when the record is unusable (no key id, malformed hash)
     */
    public synchronized void applyKey(String keyId, ApiKey key) {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("api-key record without a key id");
        }
        KeyEntry previous;
        if (key == null) {
            previous = keysById.remove(keyId);
        } else {
            if (!ApiKeyHash.isDigest(key.getSha256())) {
                throw new IllegalArgumentException("api key " + keyId + ": sha256 is not a SHA-256 hex digest");
            }
            KeyEntry entry = new KeyEntry(keyId, key.getTenantId(), key.getSha256().toLowerCase(Locale.ROOT),
                    key.getStatus(), key.getScopes());
            previous = keysById.put(keyId, entry);
            keysByHash.put(entry.sha256(), entry);
        }
        if (previous != null) {
            KeyEntry current = keysById.get(keyId);
            if (current == null || !current.sha256().equals(previous.sha256())) {
                keysByHash.remove(previous.sha256(), previous);
            }
        }
    }

    /** Applies one record of the tenants topic. */
    public void applyTenant(String tenantId, Tenant tenant) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenant record without a tenant id");
        }
        if (tenant == null) {
            tenants.remove(tenantId);
        } else {
            tenants.put(tenantId, tenant.getStatus());
        }
    }

    /** Checks a key as presented by a client. */
    public Authentication authenticate(String presentedKey) {
        KeyEntry entry = keysByHash.get(ApiKeyHash.sha256Hex(presentedKey));
        if (entry == null) {
            return Authentication.rejected(Authentication.Outcome.UNKNOWN_KEY);
        }
        if (entry.status() == ApiKeyStatus.REVOKED) {
            return Authentication.rejected(Authentication.Outcome.REVOKED_KEY);
        }
        TenantStatus tenant = tenants.get(entry.tenantId());
        if (tenant == null) {
            return Authentication.rejected(Authentication.Outcome.UNKNOWN_TENANT);
        }
        if (tenant == TenantStatus.SUSPENDED) {
            return Authentication.rejected(Authentication.Outcome.TENANT_SUSPENDED);
        }
        return Authentication.authenticated(new Caller(entry.tenantId(), entry.keyId(), entry.scopes()));
    }

    /**
     * The tenant and id of a presented key whatever its status, to say whose key was refused;
     * {@code null} for a key never issued.
     */
    public Caller owner(String presentedKey) {
        KeyEntry entry = keysByHash.get(ApiKeyHash.sha256Hex(presentedKey));
        return entry == null ? null : new Caller(entry.tenantId(), entry.keyId(), entry.scopes());
    }

    /** Number of keys known (active and revoked). */
    public synchronized int keyCount() {
        return keysById.size();
    }

    /** Number of tenants known. */
    public int tenantCount() {
        return tenants.size();
    }
}
