package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.orchestrator.domain.risk.RuleSetPointers;
import dev.fleet.orchestrator.domain.risk.RuleSetStore;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rule sets in {@code orchestrator.risk_rule_set_versions} and {@code risk_rules} (one row per rule,
 * in order), pointers in {@code risk_rule_set_state}; the tenant's row in {@code tenants} is the lock.
 */
@Repository
public class R2dbcRuleSetStore implements RuleSetStore {

    private final DatabaseClient db;

    public R2dbcRuleSetStore(DatabaseClient db) {
        this.db = db;
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
    public Mono<Integer> latestVersion(UUID tenantId) {
        return db.sql("SELECT coalesce(max(version), 0) AS latest FROM orchestrator.risk_rule_set_versions "
                + "WHERE tenant_id = :id")
                .bind("id", tenantId).map(row -> row.get("latest", Integer.class)).one();
    }

    @Override
    public Mono<Void> insert(UUID tenantId, RiskRuleSetVersion version) {
        Mono<Void> header = db.sql("""
                INSERT INTO orchestrator.risk_rule_set_versions (tenant_id, version, review_at, decline_at, created_at)
                VALUES (:tenantId, :version, :reviewAt, :declineAt, :createdAt)""")
                .bind("tenantId", tenantId)
                .bind("version", version.getVersion())
                .bind("reviewAt", version.getReviewAt())
                .bind("declineAt", version.getDeclineAt())
                .bind("createdAt", version.getCreatedAt())
                .then();
        List<RiskRule> rules = version.getRules();
        return header.thenMany(Flux.range(0, rules.size()).concatMap(position -> db.sql("""
                INSERT INTO orchestrator.risk_rules (tenant_id, version, position, rule_id, condition, score, reason)
                VALUES (:tenantId, :version, :position, :ruleId, :condition, :score, :reason)""")
                .bind("tenantId", tenantId)
                .bind("version", version.getVersion())
                .bind("position", position)
                .bind("ruleId", rules.get(position).getId())
                .bind("condition", rules.get(position).getCondition())
                .bind("score", rules.get(position).getScore())
                .bind("reason", rules.get(position).getReason())
                .then())).then();
    }

    @Override
    public Flux<RiskRuleSetVersion> versions(UUID tenantId) {
        return select(tenantId, null);
    }

    @Override
    public Mono<RiskRuleSetVersion> find(UUID tenantId, int version) {
        return select(tenantId, version).next();
    }

    @Override
    public Mono<RuleSetPointers> pointers(UUID tenantId) {
        return db.sql("SELECT active_version, shadow_version FROM orchestrator.risk_rule_set_state "
                + "WHERE tenant_id = :id")
                .bind("id", tenantId)
                .map(row -> new RuleSetPointers(row.get("active_version", Integer.class),
                        row.get("shadow_version", Integer.class)))
                .one()
                .defaultIfEmpty(RuleSetPointers.DEFAULT);
    }

    @Override
    public Mono<Void> savePointers(UUID tenantId, RuleSetPointers pointers, Instant now) {
        DatabaseClient.GenericExecuteSpec upsert = db.sql("""
                INSERT INTO orchestrator.risk_rule_set_state (tenant_id, active_version, shadow_version, updated_at)
                VALUES (:tenantId, :active, :shadow, :now)
                ON CONFLICT (tenant_id) DO UPDATE SET active_version = EXCLUDED.active_version,
                    shadow_version = EXCLUDED.shadow_version, updated_at = EXCLUDED.updated_at""")
                .bind("tenantId", tenantId)
                .bind("active", pointers.active())
                .bind("now", now);
        upsert = pointers.shadow() == null ? upsert.bindNull("shadow", Integer.class)
                : upsert.bind("shadow", pointers.shadow());
        return upsert.then();
    }

    /** The tenant's versions ({@code version} null: every one), each with its rules in order. */
    private Flux<RiskRuleSetVersion> select(UUID tenantId, Integer version) {
        String only = version == null ? "" : " AND v.version = :version";
        DatabaseClient.GenericExecuteSpec select = db.sql("""
                SELECT v.version, v.review_at, v.decline_at, v.created_at, r.rule_id, r.condition, r.score, r.reason
                FROM orchestrator.risk_rule_set_versions v
                LEFT JOIN orchestrator.risk_rules r ON r.tenant_id = v.tenant_id AND r.version = v.version
                WHERE v.tenant_id = :tenantId""" + only + " ORDER BY v.version, r.position")
                .bind("tenantId", tenantId);
        if (version != null) {
            select = select.bind("version", version);
        }
        return select.map(row -> {
            RiskRuleSetVersion header = new RiskRuleSetVersion(row.get("version", Integer.class), new ArrayList<>(),
                    row.get("review_at", Double.class), row.get("decline_at", Double.class),
                    row.get("created_at", Instant.class));
            String ruleId = row.get("rule_id", String.class);
            RiskRule rule = ruleId == null ? null : new RiskRule(ruleId, row.get("condition", String.class),
                    row.get("score", Double.class), row.get("reason", String.class));
            return Map.entry(header, Optional.ofNullable(rule));
        }).all().collect(LinkedHashMap<Integer, RiskRuleSetVersion>::new, (versions, entry) -> {
            RiskRuleSetVersion kept = versions.computeIfAbsent(entry.getKey().getVersion(), v -> entry.getKey());
            entry.getValue().ifPresent(kept.getRules()::add);
        }).flatMapIterable(Map::values);
    }
}
