package dev.fleet.orchestrator.persistence;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.orchestrator.domain.ChatOutcome;

import reactor.core.publisher.Mono;

/**
 * Answered chat requests in {@code orchestrator.processed_chat_requests}; the mark is written in the
 * transaction that settles the request (see {@code OutboxChatSettlements}). Limits: rows are kept
 * forever; they only need to outlive the chat-requests topic's retention (a week) and may be
 * purged after that.
 */
@Repository
public class R2dbcProcessedRequests {

    private final DatabaseClient db;

    public R2dbcProcessedRequests(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Boolean> isCompleted(String requestId) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM orchestrator.processed_chat_requests WHERE request_id = :id) AS done")
                .bind("id", requestId)
                .map(row -> Boolean.TRUE.equals(row.get("done", Boolean.class)))
                .one();
    }

    /** Marks the request answered, in the caller's transaction; false when it already was. */
    public Mono<Boolean> mark(ChatRequested request, ChatOutcome outcome) {
        return db.sql("""
                INSERT INTO orchestrator.processed_chat_requests (request_id, tenant_id, model, outcome)
                VALUES (:id, :tenantId, :model, :outcome)
                ON CONFLICT (request_id) DO NOTHING""")
                .bind("id", request.getRequestId())
                .bind("tenantId", request.getTenantId())
                .bind("model", request.getModel())
                .bind("outcome", outcome.name())
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }
}
