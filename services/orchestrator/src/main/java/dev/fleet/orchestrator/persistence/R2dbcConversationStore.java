package dev.fleet.orchestrator.persistence;

import java.util.List;
import java.util.Objects;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.domain.conversations.ConversationStore;

import reactor.core.publisher.Mono;

/**
 * Conversations in {@code orchestrator.conversations} and their messages in
 * {@code orchestrator.conversation_messages}: one read per request (owner and history together) and
 * one statement per answered exchange. Limits: kept forever (no retention yet); the whole history is
 * read for each request and trimmed in memory.
 */
@Repository
public class R2dbcConversationStore implements ConversationStore {

    private final DatabaseClient db;
    public R2dbcConversationStore(DatabaseClient db) {
        this.db = db;
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

    /** One read: the conversation row and its messages (a conversation without messages gives one row of nulls). */
    @Override
    public Mono<Conversation> find(String conversationId) {
        return db.sql("""
                SELECT c.tenant_id, m.role, m.content, m.name, m.tool_call_id, m.tool_calls_json
                FROM orchestrator.conversations c
                LEFT JOIN orchestrator.conversation_messages m ON m.conversation_id = c.id
                WHERE c.id = :id ORDER BY m.id""")
                .bind("id", conversationId)
                .map(row -> new Row(row.get("tenant_id", String.class), row.get("role", String.class) == null ? null
                        : ChatMessage.newBuilder()
                                .setRole(ChatRole.valueOf(row.get("role", String.class)))
                                .setContent(row.get("content", String.class))
                                .setName(row.get("name", String.class))
                                .setToolCallId(row.get("tool_call_id", String.class))
                                .setToolCallsJson(row.get("tool_calls_json", String.class))
                                .build()))
                .all()
                .collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.empty()
                        : Mono.just(new Conversation(rows.get(0).tenantId(), rows.stream()
                                .map(Row::message).filter(Objects::nonNull).toList())));
    }

    private record Row(String tenantId, ChatMessage message) {
    }

    /**
     * One statement, atomic on its own: the conversation row (if new) and the exchange's messages
     * from parallel arrays; a re-answered request's rows already exist and are skipped.
     */
    @Override
    public Mono<Void> append(String conversationId, String tenantId, String requestId, List<ChatMessage> messages) {
        int size = messages.size();
        Integer[] positions = new Integer[size];
        String[] roles = new String[size];
        String[] contents = new String[size];
        String[] names = new String[size];
        String[] toolCallIds = new String[size];
        String[] toolCalls = new String[size];
        for (int i = 0; i < size; i++) {
            ChatMessage message = messages.get(i);
            positions[i] = i;
            roles[i] = message.getRole().name();
            contents[i] = message.getContent();
            names[i] = message.getName();
            toolCallIds[i] = message.getToolCallId();
            toolCalls[i] = message.getToolCallsJson();
        }
        return db.sql("""
                WITH conversation AS (
                    INSERT INTO orchestrator.conversations (id, tenant_id) VALUES (:id, :tenantId)
                    ON CONFLICT (id) DO NOTHING)
                INSERT INTO orchestrator.conversation_messages (conversation_id, request_id, position, role,
                    content, name, tool_call_id, tool_calls_json)
                SELECT :id, :requestId, m.position, m.role, m.content, m.name, m.tool_call_id, m.tool_calls_json
                FROM unnest(:positions::integer[], :roles::text[], :contents::text[], :names::text[],
                    :toolCallIds::text[], :toolCalls::text[])
                    AS m (position, role, content, name, tool_call_id, tool_calls_json)
                ORDER BY m.position
                ON CONFLICT (conversation_id, request_id, position) DO NOTHING""")
                .bind("id", conversationId)
                .bind("tenantId", tenantId)
                .bind("requestId", requestId)
                .bind("positions", positions)
                .bind("roles", roles)
                .bind("contents", contents)
                .bind("names", names)
                .bind("toolCallIds", toolCallIds)
                .bind("toolCalls", toolCalls)
                .then();
    }
}
