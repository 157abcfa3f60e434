package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.KeyRateLimits;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantKey;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.TenantStore;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

/** Tenants and API keys in {@code orchestrator.tenants} / {@code orchestrator.api_keys}. */
@Repository
public class R2dbcTenantStore implements TenantStore {

    private static final String KEY_COLUMNS =
            "id, tenant_id, sha256, prefix, scopes, status, rpm_limit, tpm_limit, created_at, updated_at";
    private static final String TENANT_COLUMNS =
            "id, name, plan, status, rpm_limit, tpm_limit, monthly_tokens_limit, created_at, updated_at";

    private final DatabaseClient db;

    public R2dbcTenantStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Void> insertTenant(Tenant tenant) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO orchestrator.tenants (" + TENANT_COLUMNS
                        + ") VALUES (:id, :name, :plan, :status, :rpm, :tpm, :monthly, :createdAt, :updatedAt)")
                .bind("id", tenant.id())
                .bind("name", tenant.name())
                .bind("plan", tenant.plan().name())
                .bind("status", tenant.status().name())
                .bind("createdAt", tenant.createdAt())
                .bind("updatedAt", tenant.updatedAt());
        return bindLimits(insert, tenant.limits()).then();
    }

    @Override
    public Mono<Tenant> findTenant(UUID id) {
        return db.sql("SELECT " + TENANT_COLUMNS + " FROM orchestrator.tenants WHERE id = :id")
                .bind("id", id)
                .map(R2dbcTenantStore::tenant)
                .one();
    }

    @Override
    public Mono<Tenant> updateTenantLimits(UUID id, LimitOverrides limits, Instant now) {
        DatabaseClient.GenericExecuteSpec update = db.sql("UPDATE orchestrator.tenants SET rpm_limit = :rpm, "
                        + "tpm_limit = :tpm, monthly_tokens_limit = :monthly, updated_at = :now WHERE id = :id "
                        + "RETURNING " + TENANT_COLUMNS)
                .bind("id", id)
                .bind("now", now);
        return bindLimits(update, limits).map(R2dbcTenantStore::tenant).one();
    }

    private static DatabaseClient.GenericExecuteSpec bindLimits(DatabaseClient.GenericExecuteSpec spec,
            LimitOverrides limits) {
        return bindNullable(bindNullable(bindNullable(spec, "rpm", limits.requestsPerMinute(), Integer.class),
                "tpm", limits.tokensPerMinute(), Long.class), "monthly", limits.monthlyTokens(), Long.class);
    }

    private static <T> DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec,
            String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    @Override
    public Mono<Void> insertKey(TenantKey key) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO orchestrator.api_keys (" + KEY_COLUMNS + ") "
                        + "VALUES (:id, :tenantId, :sha256, :prefix, :scopes, :status, :rpm, :tpm, :createdAt, "
                        + ":updatedAt)")
                .bind("id", key.id())
                .bind("tenantId", key.tenantId())
                .bind("sha256", key.sha256())
                .bind("prefix", key.prefix())
                .bind("scopes", key.scopes().toArray(String[]::new))
                .bind("status", key.status().name())
                .bind("createdAt", key.createdAt())
                .bind("updatedAt", key.updatedAt());
        return bindNullable(bindNullable(insert, "rpm", key.limits().requestsPerMinute(), Integer.class), "tpm",
                key.limits().tokensPerMinute(), Long.class).then();
    }

    @Override
    public Mono<TenantKey> findKey(UUID id) {
        return db.sql("SELECT " + KEY_COLUMNS + " FROM orchestrator.api_keys WHERE id = :id")
                .bind("id", id)
                .map(R2dbcTenantStore::key)
                .one();
    }

    @Override
    public Mono<TenantKey> revokeActiveKey(UUID id, Instant now) {
        return db.sql("UPDATE orchestrator.api_keys SET status = 'REVOKED', updated_at = :now "
                        + "WHERE id = :id AND status = 'ACTIVE' RETURNING " + KEY_COLUMNS)
                .bind("id", id)
                .bind("now", now)
                .map(R2dbcTenantStore::key)
                .one();
    }

    private static Tenant tenant(Readable row) {
        return new Tenant(row.get("id", UUID.class), row.get("name", String.class),
                TenantPlan.valueOf(row.get("plan", String.class)), TenantStatus.valueOf(row.get("status", String.class)),
                new LimitOverrides(row.get("rpm_limit", Integer.class), row.get("tpm_limit", Long.class),
                        row.get("monthly_tokens_limit", Long.class)),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }

    private static TenantKey key(Readable row) {
        return new TenantKey(row.get("id", UUID.class), row.get("tenant_id", UUID.class),
                row.get("sha256", String.class), row.get("prefix", String.class),
                List.of(row.get("scopes", String[].class)), ApiKeyStatus.valueOf(row.get("status", String.class)),
                new KeyRateLimits(row.get("rpm_limit", Integer.class), row.get("tpm_limit", Long.class)),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }
}
