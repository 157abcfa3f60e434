package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantKey;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.TenantStore;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

/** Tenants and API keys in {@code orchestrator.tenants} / {@code orchestrator.api_keys}. */
@Repository
public class R2dbcTenantStore implements TenantStore {

    private static final String KEY_COLUMNS = "id, tenant_id, sha256, prefix, scopes, status, created_at, updated_at";

    private final DatabaseClient db;

    public R2dbcTenantStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Void> insertTenant(Tenant tenant) {
        return db.sql("""
                INSERT INTO orchestrator.tenants (id, name, plan, status, created_at, updated_at)
                VALUES (:id, :name, :plan, :status, :createdAt, :updatedAt)""")
                .bind("id", tenant.id())
                .bind("name", tenant.name())
                .bind("plan", tenant.plan().name())
                .bind("status", tenant.status().name())
                .bind("createdAt", tenant.createdAt())
                .bind("updatedAt", tenant.updatedAt())
                .then();
    }

    @Override
    public Mono<Tenant> findTenant(UUID id) {
        return db.sql("SELECT id, name, plan, status, created_at, updated_at FROM orchestrator.tenants WHERE id = :id")
                .bind("id", id)
                .map(R2dbcTenantStore::tenant)
                .one();
    }

    @Override
    public Mono<Void> insertKey(TenantKey key) {
        return db.sql("INSERT INTO orchestrator.api_keys (" + KEY_COLUMNS + ") "
                        + "VALUES (:id, :tenantId, :sha256, :prefix, :scopes, :status, :createdAt, :updatedAt)")
                .bind("id", key.id())
                .bind("tenantId", key.tenantId())
                .bind("sha256", key.sha256())
                .bind("prefix", key.prefix())
                .bind("scopes", key.scopes().toArray(String[]::new))
                .bind("status", key.status().name())
                .bind("createdAt", key.createdAt())
                .bind("updatedAt", key.updatedAt())
                .then();
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
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }

    private static TenantKey key(Readable row) {
        return new TenantKey(row.get("id", UUID.class), row.get("tenant_id", UUID.class),
                row.get("sha256", String.class), row.get("prefix", String.class),
                List.of(row.get("scopes", String[].class)), ApiKeyStatus.valueOf(row.get("status", String.class)),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }
}
