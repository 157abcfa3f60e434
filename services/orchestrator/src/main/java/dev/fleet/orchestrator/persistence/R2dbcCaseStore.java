package dev.fleet.orchestrator.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.orchestrator.domain.risk.CaseQuery;
import dev.fleet.orchestrator.domain.risk.CaseReview;
import dev.fleet.orchestrator.domain.risk.CaseStatus;
import dev.fleet.orchestrator.domain.risk.CaseStore;
import dev.fleet.orchestrator.domain.risk.OpenQueue;
import dev.fleet.orchestrator.domain.risk.RiskCase;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Cases in {@code orchestrator.risk_cases}, reviews in {@code risk_case_reviews}. The decision is kept
 * as the fleet serde encoded it on {@code fleet.risk.decisions.v1}, so a case opened under an older
 * schema still decodes into today's {@link RiskDecision}.
 */
@Repository
public class R2dbcCaseStore implements CaseStore {

    private static final String COLUMNS = "id, tenant_id, transaction_id, account_id, amount, currency, score, "
            + "rule_set_version, decision, status, resolution, opened_at, due_at, escalated_at, decided_at";

    private final DatabaseClient db;
    private final FleetSerde serde;

    public R2dbcCaseStore(DatabaseClient db, FleetSerde serde) {
        this.db = db;
        this.serde = serde;
    }

    @Override
    public Mono<Boolean> insertIfAbsent(RiskCase c) {
        return db.sql("""
                INSERT INTO orchestrator.risk_cases (id, tenant_id, transaction_id, account_id, amount, currency,
                    score, rule_set_version, decision, status, opened_at, due_at)
                VALUES (:id, :tenantId, :transactionId, :accountId, :amount, :currency, :score, :ruleSetVersion,
                    :decision, :status, :openedAt, :dueAt)
                ON CONFLICT (tenant_id, transaction_id) DO NOTHING""")
                .bind("id", c.id())
                .bind("tenantId", c.tenantId())
                .bind("transactionId", c.transactionId())
                .bind("accountId", c.accountId())
                .bind("amount", c.amount())
                .bind("currency", c.currency())
                .bind("score", c.score())
                .bind("ruleSetVersion", c.ruleSetVersion())
                .bind("decision", serde.serialize(FleetTopics.RISK_DECISIONS.name(), c.decision()))
                .bind("status", c.status().label())
                .bind("openedAt", c.openedAt())
                .bind("dueAt", c.dueAt())
                .fetch().rowsUpdated()
                .map(rows -> rows == 1);
    }

    @Override
    public Flux<RiskCase> list(UUID tenantId, CaseQuery query, Instant now) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM orchestrator.risk_cases "
                + "WHERE tenant_id = :tenantId AND status = ANY(:statuses)");
        if (query.minScore() != null) {
            sql.append(" AND score >= :minScore");
        }
        if (query.minAge() != null) {
            sql.append(" AND opened_at <= :openedBy");
        }
        sql.append(query.sort() == CaseQuery.Sort.SCORE ? " ORDER BY score DESC, id" : " ORDER BY opened_at, id");
        sql.append(" LIMIT :limit OFFSET :offset");
        DatabaseClient.GenericExecuteSpec select = db.sql(sql.toString())
                .bind("tenantId", tenantId)
                .bind("statuses", query.statuses().stream().map(CaseStatus::label).toArray(String[]::new))
                .bind("limit", query.limit())
                .bind("offset", query.offset());
        if (query.minScore() != null) {
            select = select.bind("minScore", query.minScore());
        }
        if (query.minAge() != null) {
            select = select.bind("openedBy", now.minus(query.minAge()));
        }
        return select.map(row -> riskCase(row, List.of())).all();
    }

    @Override
    public Flux<OpenQueue> openQueues(int limit) {
        // served by risk_cases_by_tenant (tenant_id, status, opened_at)
        return db.sql("""
                SELECT tenant_id, count(*) AS waiting, count(*) FILTER (WHERE status = 'escalated') AS escalated,
                    min(opened_at) AS oldest
                FROM orchestrator.risk_cases WHERE status IN ('open', 'escalated')
                GROUP BY tenant_id ORDER BY oldest, tenant_id LIMIT :limit""")
                .bind("limit", limit)
                .map(row -> new OpenQueue(row.get("tenant_id", UUID.class), row.get("waiting", Long.class),
                        row.get("escalated", Long.class), row.get("oldest", Instant.class)))
                .all();
    }

    @Override
    public Mono<RiskCase> find(UUID tenantId, UUID caseId) {
        return withReviews(db.sql("SELECT " + COLUMNS + " FROM orchestrator.risk_cases "
                + "WHERE tenant_id = :tenantId AND id = :id"), tenantId, caseId);
    }

    @Override
    public Mono<RiskCase> lock(UUID tenantId, UUID caseId) {
        return withReviews(db.sql("SELECT " + COLUMNS + " FROM orchestrator.risk_cases "
                + "WHERE tenant_id = :tenantId AND id = :id FOR UPDATE"), tenantId, caseId);
    }

    @Override
    public Mono<Void> addReview(UUID caseId, CaseReview review) {
        return db.sql("""
                INSERT INTO orchestrator.risk_case_reviews (case_id, reviewer, resolution, reason, reviewed_at)
                VALUES (:caseId, :reviewer, :resolution, :reason, :reviewedAt)""")
                .bind("caseId", caseId)
                .bind("reviewer", review.reviewer())
                .bind("resolution", label(review.resolution()))
                .bind("reason", review.reason())
                .bind("reviewedAt", review.reviewedAt())
                .then();
    }

    @Override
    public Mono<Void> markDecided(UUID caseId, RiskCaseResolution resolution, Instant now) {
        return db.sql("UPDATE orchestrator.risk_cases SET status = 'decided', resolution = :resolution, "
                + "decided_at = :now WHERE id = :id")
                .bind("resolution", label(resolution))
                .bind("now", now)
                .bind("id", caseId)
                .then();
    }

    @Override
    public Flux<RiskCase> escalateDue(Instant now, int limit) {
        return db.sql("""
                UPDATE orchestrator.risk_cases SET status = 'escalated', escalated_at = :now
                WHERE id IN (SELECT id FROM orchestrator.risk_cases WHERE status = 'open' AND due_at <= :now
                    ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED)
                RETURNING\s""" + COLUMNS)
                .bind("now", now)
                .bind("limit", limit)
                .map(row -> riskCase(row, List.of()))
                .all();
    }

    private Mono<RiskCase> withReviews(DatabaseClient.GenericExecuteSpec select, UUID tenantId, UUID caseId) {
        return select.bind("tenantId", tenantId).bind("id", caseId)
                .map(row -> riskCase(row, List.of())).one()
                .flatMap(found -> db.sql("SELECT reviewer, resolution, reason, reviewed_at "
                        + "FROM orchestrator.risk_case_reviews WHERE case_id = :id ORDER BY reviewed_at, reviewer")
                        .bind("id", caseId)
                        .map(row -> new CaseReview(row.get("reviewer", String.class),
                                resolution(row.get("resolution", String.class)), row.get("reason", String.class),
                                row.get("reviewed_at", Instant.class)))
                        .all().collectList()
                        .map(reviews -> new RiskCase(found.id(), found.tenantId(), found.transactionId(),
                                found.accountId(), found.amount(), found.currency(), found.score(),
                                found.ruleSetVersion(), found.decision(), found.status(), found.resolution(),
                                found.openedAt(), found.dueAt(), found.escalatedAt(), found.decidedAt(), reviews)));
    }

    private RiskCase riskCase(Readable row, List<CaseReview> reviews) {
        String resolution = row.get("resolution", String.class);
        return new RiskCase(row.get("id", UUID.class), row.get("tenant_id", UUID.class),
                row.get("transaction_id", String.class), row.get("account_id", String.class),
                row.get("amount", BigDecimal.class), row.get("currency", String.class),
                row.get("score", Double.class), row.get("rule_set_version", Integer.class),
                serde.deserialize(FleetTopics.RISK_DECISIONS, row.get("decision", byte[].class)),
                CaseStatus.parse(row.get("status", String.class)).orElseThrow(),
                resolution == null ? null : resolution(resolution), row.get("opened_at", Instant.class),
                row.get("due_at", Instant.class), row.get("escalated_at", Instant.class),
                row.get("decided_at", Instant.class), reviews);
    }

    private static String label(RiskCaseResolution resolution) {
        return resolution.name().toLowerCase(Locale.ROOT);
    }

    private static RiskCaseResolution resolution(String label) {
        return RiskCaseResolution.valueOf(label.toUpperCase(Locale.ROOT));
    }
}
