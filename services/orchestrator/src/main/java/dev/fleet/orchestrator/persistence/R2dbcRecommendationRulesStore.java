package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.RecommendationRules;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesStore;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesVersion;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Recommendation-rule versions in {@code orchestrator.recommendation_rule_versions}, each version's rules as the
 * fleet serde encoded them as a {@link RecommendationRules} record of {@code fleet.recommendation.rules.v1} (so an
 * old version decodes after the schema evolves); the active pointers in {@code recommendation_rule_state}; the
 * tenant's row in {@code tenants} is the lock.
 */
@Repository
public class R2dbcRecommendationRulesStore implements RecommendationRulesStore {

    private final DatabaseClient db;
    private final FleetSerde serde;

    public R2dbcRecommendationRulesStore(DatabaseClient db, FleetSerde serde) {
        this.db = db;
        this.serde = serde;
    }

    @Override
    public Mono<Boolean> lockTenant(UUID tenantId) {
        return TenantRows.lock(db, tenantId);
    }

    @Override
    public Mono<Boolean> tenantExists(UUID tenantId) {
        return TenantRows.exists(db, tenantId);
    }

    @Override
    public Mono<Integer> latestVersion(UUID tenantId, String collection) {
        return db.sql("SELECT coalesce(max(version), 0) AS latest FROM orchestrator.recommendation_rule_versions "
                + "WHERE tenant_id = :id AND collection = :collection")
                .bind("id", tenantId).bind("collection", collection)
                .map(row -> row.get("latest", Integer.class)).one();
    }

    @Override
    public Mono<Void> insert(UUID tenantId, String collection, RecommendationRulesVersion version) {
        RecommendationRules rules = RecommendationRules.newBuilder()
                .setTenantId(tenantId.toString())
                .setCollection(collection)
                .setVersion(version.version())
                .setRules(version.rules())
                .setPinned(version.pinned())
                .setUpdatedAt(version.createdAt())
                .build();
        return db.sql("""
                INSERT INTO orchestrator.recommendation_rule_versions
                    (tenant_id, collection, version, rules, created_at, created_by)
                VALUES (:tenantId, :collection, :version, :rules, :createdAt, :createdBy)""")
                .bind("tenantId", tenantId)
                .bind("collection", collection)
                .bind("version", version.version())
                .bind("rules", serde.serialize(FleetTopics.RECOMMENDATION_RULES.name(), rules))
                .bind("createdAt", version.createdAt())
                .bind("createdBy", version.createdBy())
                .then();
    }

    @Override
    public Flux<RecommendationRulesVersion> versions(UUID tenantId, String collection) {
        return db.sql("SELECT version, rules, created_at, created_by FROM orchestrator.recommendation_rule_versions "
                + "WHERE tenant_id = :id AND collection = :collection ORDER BY version")
                .bind("id", tenantId).bind("collection", collection)
                .map(this::version).all();
    }

    @Override
    public Mono<RecommendationRulesVersion> find(UUID tenantId, String collection, int version) {
        return db.sql("SELECT version, rules, created_at, created_by FROM orchestrator.recommendation_rule_versions "
                + "WHERE tenant_id = :id AND collection = :collection AND version = :version")
                .bind("id", tenantId).bind("collection", collection).bind("version", version)
                .map(this::version).one();
    }

    @Override
    public Mono<Integer> active(UUID tenantId, String collection) {
        return db.sql("SELECT active_version FROM orchestrator.recommendation_rule_state "
                + "WHERE tenant_id = :id AND collection = :collection")
                .bind("id", tenantId).bind("collection", collection)
                .map(row -> row.get("active_version", Integer.class)).one().defaultIfEmpty(0);
    }

    @Override
    public Mono<Void> saveActive(UUID tenantId, String collection, int version, Instant now) {
        return db.sql("""
                INSERT INTO orchestrator.recommendation_rule_state (tenant_id, collection, active_version, updated_at)
                VALUES (:tenantId, :collection, :active, :now)
                ON CONFLICT (tenant_id, collection) DO UPDATE SET active_version = EXCLUDED.active_version,
                    updated_at = EXCLUDED.updated_at""")
                .bind("tenantId", tenantId)
                .bind("collection", collection)
                .bind("active", version)
                .bind("now", now)
                .then();
    }

    private RecommendationRulesVersion version(Readable row) {
        RecommendationRules rules = serde.deserialize(FleetTopics.RECOMMENDATION_RULES, row.get("rules", byte[].class));
        return new RecommendationRulesVersion(row.get("version", Integer.class), rules.getRules(), rules.getPinned(),
                row.get("created_at", Instant.class), row.get("created_by", String.class));
    }
}
