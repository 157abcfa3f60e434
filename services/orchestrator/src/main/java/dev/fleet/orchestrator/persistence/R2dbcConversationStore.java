package dev.fleet.orchestrator.persistence;

import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.domain.conversations.ConversationStore;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Conversations in {@code orchestrator.conversations} and their messages in
 * {@code orchestrator.conversation_messages}. Limits: kept forever (no retention yet); the whole
 * history is read for each request and trimmed in memory.
 */
@Repository
public class R2dbcConversationStore implements ConversationStore {

    private final DatabaseClient db;
    private final TransactionalOperator transactions;

    public R2dbcConversationStore(DatabaseClient db, ReactiveTransactionManager transactionManager) {
        this.db = db;
        this.transactions = TransactionalOperator.create(transactionManager);
    }

    @Override
    public Mono<String> owner(String conversationId) {
        return db.sql("SELECT tenant_id FROM orchestrator.conversations WHERE id = :id")
                .bind("id", conversationId)
                .map(row -> row.get("tenant_id", String.class))
                .one();
    }

    @Override
    public Mono<List<ChatMessage>> history(String conversationId) {
        return db.sql("""
                SELECT role, content, name, tool_call_id, tool_calls_json FROM orchestrator.conversation_messages
                WHERE conversation_id = :id ORDER BY id""")
                .bind("id", conversationId)
                .map(row -> ChatMessage.newBuilder()
                        .setRole(ChatRole.valueOf(row.get("role", String.class)))
                        .setContent(row.get("content", String.class))
                        .setName(row.get("name", String.class))
                        .setToolCallId(row.get("tool_call_id", String.class))
                        .setToolCallsJson(row.get("tool_calls_json", String.class))
                        .build())
                .all()
                .collectList();
    }

    @Override
    public Mono<Void> append(String conversationId, String tenantId, String requestId, List<ChatMessage> messages) {
        Mono<Void> conversation = db.sql("""
                INSERT INTO orchestrator.conversations (id, tenant_id) VALUES (:id, :tenantId)
                ON CONFLICT (id) DO NOTHING""")
                .bind("id", conversationId)
                .bind("tenantId", tenantId)
                .then();
        Flux<Void> rows = Flux.range(0, messages.size()).concatMap(position -> {
            ChatMessage message = messages.get(position);
            DatabaseClient.GenericExecuteSpec insert = db.sql("""
                    INSERT INTO orchestrator.conversation_messages (conversation_id, request_id, position, role,
                        content, name, tool_call_id, tool_calls_json)
                    VALUES (:id, :requestId, :position, :role, :content, :name, :toolCallId, :toolCalls)
                    ON CONFLICT (conversation_id, request_id, position) DO NOTHING""")
                    .bind("id", conversationId)
                    .bind("requestId", requestId)
                    .bind("position", position)
                    .bind("role", message.getRole().name())
                    .bind("content", message.getContent());
            insert = nullable(insert, "name", message.getName());
            insert = nullable(insert, "toolCallId", message.getToolCallId());
            insert = nullable(insert, "toolCalls", message.getToolCallsJson());
            return insert.then();
        });
        return conversation.thenMany(rows).then().as(transactions::transactional);
    }

    private static DatabaseClient.GenericExecuteSpec nullable(DatabaseClient.GenericExecuteSpec spec, String name,
            String value) {
        return value == null ? spec.bindNull(name, String.class) : spec.bind(name, value);
    }
}
