package dev.fleet.orchestrator.persistence;

import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;

import reactor.core.publisher.Mono;

/**
 * The tenant row as the per-tenant versioned stores (risk rule sets, recommendation rules) use it: locked for the
 * rest of a transaction so that two writers number their versions one after the other, or only looked up.
 */
final class TenantRows {

    private TenantRows() {
    }

    /** Locks the tenant's row until the transaction ends; false when there is no such tenant. */
    static Mono<Boolean> lock(DatabaseClient db, UUID tenantId) {
        return db.sql("SELECT id FROM orchestrator.tenants WHERE id = :id FOR UPDATE")
                .bind("id", tenantId).map(row -> true).one().defaultIfEmpty(false);
    }

    /** Whether the tenant exists. */
    static Mono<Boolean> exists(DatabaseClient db, UUID tenantId) {
        return db.sql("SELECT id FROM orchestrator.tenants WHERE id = :id")
                .bind("id", tenantId).map(row -> true).one().defaultIfEmpty(false);
    }
}
