package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.KeyRateLimits;
import dev.fleet.orchestrator.domain.KeySummary;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantCursor;
import dev.fleet.orchestrator.domain.TenantKey;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.TenantStore;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tenants and API keys in {@code orchestrator.tenants} / {@code orchestrator.api_keys}. */
@Repository
public class R2dbcTenantStore implements TenantStore {

    private static final String KEY_COLUMNS =
            "id, tenant_id, sha256, prefix, scopes, status, rpm_limit, tpm_limit, created_at, updated_at";
    /** A key's columns but its hash, for listings. */
    private static final String KEY_SUMMARY_COLUMNS =
            "id, tenant_id, prefix, scopes, status, rpm_limit, tpm_limit, created_at, updated_at";
    private static final String TENANT_COLUMNS =
            "id, name, plan, status, rpm_limit, tpm_limit, monthly_tokens_limit, max_items_limit, "
                    + "max_stored_bytes_limit, max_item_bytes_limit, created_at, updated_at";

    private final DatabaseClient db;

    public R2dbcTenantStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Void> insertTenant(Tenant tenant) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO orchestrator.tenants (" + TENANT_COLUMNS
                        + ") VALUES (:id, :name, :plan, :status, :rpm, :tpm, :monthly, :items, :storedBytes, "
                        + ":itemBytes, :createdAt, :updatedAt)")
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
    public Mono<Tenant> findTenantForUpdate(UUID id) {
        return db.sql("SELECT " + TENANT_COLUMNS + " FROM orchestrator.tenants WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map(R2dbcTenantStore::tenant)
                .one();
    }

    /** Keyset paging on (created_at, id), descending, served by the index tenants_newest (V11). */
    @Override
    public Flux<Tenant> findTenants(String nameContains, UUID id, TenantCursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + TENANT_COLUMNS + " FROM orchestrator.tenants WHERE true");
        boolean search = nameContains != null && !nameContains.isBlank();
        if (search) {
            sql.append(id == null ? " AND strpos(lower(name), :text) > 0"
                    : " AND (strpos(lower(name), :text) > 0 OR id = :id)");
        }
        if (after != null) {
            sql.append(" AND (created_at, id) < (:afterCreatedAt, :afterId)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        DatabaseClient.GenericExecuteSpec select = db.sql(sql.toString()).bind("limit", limit);
        if (search) {
            select = select.bind("text", nameContains);
            if (id != null) {
                select = select.bind("id", id);
            }
        }
        if (after != null) {
            select = select.bind("afterCreatedAt", after.createdAt()).bind("afterId", after.id());
        }
        return select.map(R2dbcTenantStore::tenant).all();
    }

    @Override
    public Mono<Tenant> updateTenantPlan(UUID id, TenantPlan plan, Instant now) {
        return db.sql("UPDATE orchestrator.tenants SET plan = :plan, updated_at = :now WHERE id = :id RETURNING "
                        + TENANT_COLUMNS)
                .bind("id", id)
                .bind("plan", plan.name())
                .bind("now", now)
                .map(R2dbcTenantStore::tenant)
                .one();
    }

    @Override
    public Mono<Tenant> updateTenantStatus(UUID id, TenantStatus status, Instant now) {
        return db.sql("UPDATE orchestrator.tenants SET status = :status, updated_at = :now WHERE id = :id RETURNING "
                        + TENANT_COLUMNS)
                .bind("id", id)
                .bind("status", status.name())
                .bind("now", now)
                .map(R2dbcTenantStore::tenant)
                .one();
    }

    @Override
    public Mono<Tenant> updateTenantLimits(UUID id, LimitOverrides limits, Instant now) {
        DatabaseClient.GenericExecuteSpec update = db.sql("UPDATE orchestrator.tenants SET rpm_limit = :rpm, "
                        + "tpm_limit = :tpm, monthly_tokens_limit = :monthly, max_items_limit = :items, "
                        + "max_stored_bytes_limit = :storedBytes, max_item_bytes_limit = :itemBytes, "
                        + "updated_at = :now WHERE id = :id "
                        + "RETURNING " + TENANT_COLUMNS)
                .bind("id", id)
                .bind("now", now);
        return bindLimits(update, limits).map(R2dbcTenantStore::tenant).one();
    }

    private static DatabaseClient.GenericExecuteSpec bindLimits(DatabaseClient.GenericExecuteSpec spec,
            LimitOverrides limits) {
        spec = bindNullable(bindNullable(bindNullable(spec, "rpm", limits.requestsPerMinute(), Integer.class),
                "tpm", limits.tokensPerMinute(), Long.class), "monthly", limits.monthlyTokens(), Long.class);
        return bindNullable(bindNullable(bindNullable(spec, "items", limits.maxItems(), Long.class), "storedBytes",
                limits.maxStoredBytes(), Long.class), "itemBytes", limits.maxItemBytes(), Long.class);
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
    public Flux<KeySummary> findKeySummaries(UUID tenantId) {
        return db.sql("SELECT " + KEY_SUMMARY_COLUMNS + " FROM orchestrator.api_keys WHERE tenant_id = :tenantId "
                        + "ORDER BY created_at DESC, id DESC")
                .bind("tenantId", tenantId)
                .map(R2dbcTenantStore::keySummary)
                .all();
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
                        row.get("monthly_tokens_limit", Long.class), row.get("max_items_limit", Long.class),
                        row.get("max_stored_bytes_limit", Long.class), row.get("max_item_bytes_limit", Long.class)),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }

    /** A key changes only when it is revoked: a revoked key's updated_at is its revocation. */
    private static KeySummary keySummary(Readable row) {
        ApiKeyStatus status = ApiKeyStatus.valueOf(row.get("status", String.class));
        return new KeySummary(row.get("id", UUID.class), row.get("tenant_id", UUID.class),
                row.get("prefix", String.class), List.of(row.get("scopes", String[].class)), status,
                new KeyRateLimits(row.get("rpm_limit", Integer.class), row.get("tpm_limit", Long.class)),
                row.get("created_at", Instant.class),
                status == ApiKeyStatus.REVOKED ? row.get("updated_at", Instant.class) : null);
    }

    private static TenantKey key(Readable row) {
        return new TenantKey(row.get("id", UUID.class), row.get("tenant_id", UUID.class),
                row.get("sha256", String.class), row.get("prefix", String.class),
                List.of(row.get("scopes", String[].class)), ApiKeyStatus.valueOf(row.get("status", String.class)),
                new KeyRateLimits(row.get("rpm_limit", Integer.class), row.get("tpm_limit", Long.class)),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }
}
