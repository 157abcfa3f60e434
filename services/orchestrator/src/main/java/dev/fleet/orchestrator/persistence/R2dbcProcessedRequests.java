package dev.fleet.orchestrator.persistence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.orchestrator.domain.ChatOutcome;

import reactor.core.publisher.Mono;

/**
 * Answered chat requests in {@code orchestrator.processed_chat_requests}; the mark is written in the
 * statement that settles the request, with its outbox rows (see {@code OutboxChatSettlements}). Limits: rows are kept
 * forever; they only need to outlive the chat-requests topic's retention (a week) and may be
 * purged after that.
 */
@Repository
public class R2dbcProcessedRequests {

    /** Settlement statements by outbox row count (a chat has a handful of rows: a few entries). */
    private static final Map<Integer, String> SETTLE_SQL = new ConcurrentHashMap<>();

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

    /**
     * Marks the request answered and appends {@code rows} to the outbox (in their order) in one
     * statement: atomic without a transaction around it, one round trip however many rows; nothing
     * is appended when the request was already marked. False when it already was.
     */
    public Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, List<OutboxRow> rows) {
        DatabaseClient.GenericExecuteSpec statement = db.sql(
                        SETTLE_SQL.computeIfAbsent(rows.size(), R2dbcProcessedRequests::settleSql))
                .bind("id", request.getRequestId())
                .bind("tenantId", request.getTenantId())
                .bind("model", request.getModel())
                .bind("outcome", outcome.name());
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            statement = statement.bind("e" + i, row.eventId()).bind("t" + i, row.topic()).bind("k" + i, row.key())
                    .bind("n" + i, row.tenantId());
            statement = row.payload() == null ? statement.bindNull("p" + i, byte[].class)
                    : statement.bind("p" + i, row.payload());
            statement = row.traceparent() == null ? statement.bindNull("c" + i, String.class)
                    : statement.bind("c" + i, row.traceparent());
        }
        return statement.map(row -> row.get("marked", Long.class)).one().map(marked -> marked == 1);
    }

    /** The settlement statement for {@code rows} outbox rows; its text depends on the count only, so it is built once. */
    private static String settleSql(int rows) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            values.append(i == 0 ? "" : ", ").append(("(CAST(:e%1$d AS uuid), CAST(:t%1$d AS text), CAST(:k%1$d AS text), "
                    + "CAST(:p%1$d AS bytea), CAST(:n%1$d AS uuid), CAST(:c%1$d AS text), %1$d)").formatted(i));
        }
        String appended = rows == 0 ? "" : """
                , appended AS (
                    INSERT INTO orchestrator.outbox (event_id, topic, message_key, payload, tenant_id, traceparent)
                    SELECT event_id, topic, message_key, payload, tenant_id, traceparent
                    FROM (VALUES %s) AS r(event_id, topic, message_key, payload, tenant_id, traceparent, n)
                    WHERE EXISTS (SELECT 1 FROM marked)
                    ORDER BY n
                    RETURNING 1)""".formatted(values);
        return """
                WITH marked AS (
                    INSERT INTO orchestrator.processed_chat_requests (request_id, tenant_id, model, outcome)
                    VALUES (:id, :tenantId, :model, :outcome)
                    ON CONFLICT (request_id) DO NOTHING
                    RETURNING 1)%s
                SELECT (SELECT count(*) FROM marked) AS marked""".formatted(appended);
    }
}
