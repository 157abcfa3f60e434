package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.orchestrator.domain.responses.ResponseStore;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

/**
 * Stored responses in {@code orchestrator.responses} (Flyway V8), one row per response; the input
 * messages and the metadata as JSON. A chain is followed with one recursive query.
 */
@Repository
public class R2dbcResponseStore implements ResponseStore {

    private static final TypeReference<List<Map<String, String>>> MESSAGES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = """
            id, request_id, model, status, created_at, instructions, input::text AS input, output_text,
            input_tokens, output_tokens, error_type, error_code, error_message, previous_response_id, temperature,
            top_p, max_output_tokens, end_user, metadata::text AS metadata""";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final ObjectMapper json = new ObjectMapper();

    public R2dbcResponseStore(DatabaseClient db, ReactiveTransactionManager transactionManager) {
        this.db = db;
        this.transactions = TransactionalOperator.create(transactionManager);
    }

    @Override
    public Mono<Void> save(String tenantId, StoredResponse response) {
        return Mono.defer(() -> {
            ReplyError error = response.getError();
            TokenUsage usage = response.getUsage();
            DatabaseClient.GenericExecuteSpec insert = db.sql("""
                    INSERT INTO orchestrator.responses (id, tenant_id, request_id, model, status, created_at,
                        instructions, input, output_text, input_tokens, output_tokens, error_type, error_code,
                        error_message, previous_response_id, temperature, top_p, max_output_tokens, end_user, metadata)
                    VALUES (:id, :tenantId, :requestId, :model, :status, :createdAt, :instructions,
                        CAST(:input AS jsonb), :output, :inputTokens, :outputTokens, :errorType, :errorCode,
                        :errorMessage, :previous, :temperature, :topP, :maxOutputTokens, :user, CAST(:metadata AS jsonb))
                    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, output_text = EXCLUDED.output_text,
                        input = EXCLUDED.input,
                        input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
                        error_type = EXCLUDED.error_type, error_code = EXCLUDED.error_code,
                        error_message = EXCLUDED.error_message, stored_at = now()
                    WHERE orchestrator.responses.tenant_id = EXCLUDED.tenant_id""")
                    .bind("id", response.getResponseId())
                    .bind("tenantId", tenantId)
                    .bind("requestId", response.getRequestId())
                    .bind("model", response.getModel())
                    .bind("status", response.getStatus())
                    .bind("createdAt", OffsetDateTime.ofInstant(response.getCreatedAt(), ZoneOffset.UTC))
                    .bind("input", write(input(response)))
                    .bind("output", response.getOutputText())
                    .bind("metadata", write(response.getMetadata()));
            insert = bindOrNull(insert, "instructions", response.getInstructions(), String.class);
            insert = bindOrNull(insert, "inputTokens", usage == null ? null : usage.getPromptTokens(), Integer.class);
            insert = bindOrNull(insert, "outputTokens", usage == null ? null : usage.getCompletionTokens(),
                    Integer.class);
            insert = bindOrNull(insert, "errorType", error == null ? null : error.getType().name(), String.class);
            insert = bindOrNull(insert, "errorCode", error == null ? null : error.getCode().name(), String.class);
            insert = bindOrNull(insert, "errorMessage", error == null ? null : error.getMessage(), String.class);
            insert = bindOrNull(insert, "previous", response.getPreviousResponseId(), String.class);
            insert = bindOrNull(insert, "temperature", response.getTemperature(), Double.class);
            insert = bindOrNull(insert, "topP", response.getTopP(), Double.class);
            insert = bindOrNull(insert, "maxOutputTokens", response.getMaxOutputTokens(), Integer.class);
            insert = bindOrNull(insert, "user", response.getUser(), String.class);
            return insert.then();
        });
    }

    @Override
    public Mono<StoredResponse> find(String tenantId, String responseId, Instant notBefore) {
        return db.sql("SELECT " + COLUMNS + """
                 FROM orchestrator.responses
                WHERE id = :id AND tenant_id = :tenantId AND created_at >= :notBefore""")
                .bind("id", responseId)
                .bind("tenantId", tenantId)
                .bind("notBefore", OffsetDateTime.ofInstant(notBefore, ZoneOffset.UTC))
                .map(this::response)
                .one();
    }

    @Override
    public Mono<List<StoredResponse>> chain(String tenantId, String responseId, Instant notBefore, int limit) {
        return db.sql("""
                WITH RECURSIVE chain AS (
                    SELECT r.*, 1 AS depth FROM orchestrator.responses r
                    WHERE r.id = :id AND r.tenant_id = :tenantId AND r.created_at >= :notBefore
                  UNION ALL
                    SELECT r.*, c.depth + 1 FROM orchestrator.responses r
                    JOIN chain c ON r.id = c.previous_response_id
                    WHERE r.tenant_id = :tenantId AND r.created_at >= :notBefore AND c.depth < :limit
                )
                """ + "SELECT " + COLUMNS + " FROM chain ORDER BY depth")
                .bind("id", responseId)
                .bind("tenantId", tenantId)
                .bind("notBefore", OffsetDateTime.ofInstant(notBefore, ZoneOffset.UTC))
                .bind("limit", limit)
                .map(this::response)
                .all()
                .collectList();
    }

    @Override
    public Mono<Boolean> delete(String tenantId, String responseId, Function<String, Mono<Void>> alsoInTransaction) {
        return db.sql("DELETE FROM orchestrator.responses WHERE id = :id AND tenant_id = :tenantId RETURNING request_id")
                .bind("id", responseId)
                .bind("tenantId", tenantId)
                .map(row -> row.get("request_id", String.class))
                .one()
                .flatMap(requestId -> alsoInTransaction.apply(requestId).thenReturn(true))
                .defaultIfEmpty(false)
                .as(transactions::transactional);
    }

    @Override
    public Mono<Long> purgeCreatedBefore(Instant cutoff) {
        return db.sql("DELETE FROM orchestrator.responses WHERE created_at < :cutoff")
                .bind("cutoff", OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .fetch()
                .rowsUpdated();
    }

    private StoredResponse response(Readable row) {
        String errorType = row.get("error_type", String.class);
        Integer inputTokens = row.get("input_tokens", Integer.class);
        Integer outputTokens = row.get("output_tokens", Integer.class);
        StoredResponse response = StoredResponse.newBuilder()
                .setResponseId(row.get("id", String.class))
                .setRequestId(row.get("request_id", String.class))
                .setModel(row.get("model", String.class))
                .setStatus(row.get("status", String.class))
                .setCreatedAt(row.get("created_at", OffsetDateTime.class).toInstant())
                .setInstructions(row.get("instructions", String.class))
                .setInput(List.of())
                .setOutputText(row.get("output_text", String.class))
                .setUsage(inputTokens == null ? null : new TokenUsage(inputTokens, outputTokens == null ? 0 : outputTokens))
                .setError(errorType == null ? null : new ReplyError(ErrorType.valueOf(errorType),
                        ErrorCode.valueOf(row.get("error_code", String.class)), row.get("error_message", String.class)))
                .setPreviousResponseId(row.get("previous_response_id", String.class))
                .setTemperature(row.get("temperature", Double.class))
                .setTopP(row.get("top_p", Double.class))
                .setMaxOutputTokens(row.get("max_output_tokens", Integer.class))
                .setUser(row.get("end_user", String.class))
                .setMetadata(read(row.get("metadata", String.class), STRINGS))
                .build();
        String input = row.get("input", String.class);
        if (input.stripLeading().startsWith("[")) { // a response without tools or text.format
            response.setInput(chatMessages(read(input, MESSAGES)));
            return response;
        }
        StoredInput stored = read(input, new TypeReference<StoredInput>() {
        });
        response.setInput(chatMessages(stored.messages()));
        response.setOutputToolCallsJson(stored.outputToolCalls());
        response.setTextFormatJson(stored.textFormat());
        response.setToolsJson(stored.tools());
        response.setToolChoiceJson(stored.toolChoice());
        return response;
    }

    /**
     * The {@code input} column of a response with tool calls, tools, tool_choice or text.format: the
     * messages and those (JSON texts) next to them, so no migration was needed (decision 0045); the
     * column of any other response is the messages' array, as before.
     */
    record StoredInput(List<Map<String, String>> messages, String outputToolCalls, String textFormat, String tools,
            String toolChoice) {
    }

    private static Object input(StoredResponse response) {
        List<Map<String, String>> messages = messages(response.getInput());
        if (response.getOutputToolCallsJson() == null && response.getTextFormatJson() == null
                && response.getToolsJson() == null && response.getToolChoiceJson() == null) {
            return messages;
        }
        return new StoredInput(messages, response.getOutputToolCallsJson(), response.getTextFormatJson(),
                response.getToolsJson(), response.getToolChoiceJson());
    }

    private static List<Map<String, String>> messages(List<ChatMessage> messages) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (ChatMessage message : messages) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("role", message.getRole().name());
            row.put("content", message.getContent());
            row.put("name", message.getName());
            row.put("toolCallId", message.getToolCallId());
            row.put("toolCallsJson", message.getToolCallsJson());
            rows.add(row);
        }
        return rows;
    }

    private static List<ChatMessage> chatMessages(List<Map<String, String>> rows) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Map<String, String> row : rows) {
            messages.add(ChatMessage.newBuilder()
                    .setRole(ChatRole.valueOf(row.get("role")))
                    .setContent(row.get("content"))
                    .setName(row.get("name"))
                    .setToolCallId(row.get("toolCallId"))
                    .setToolCallsJson(row.get("toolCallsJson"))
                    .build());
        }
        return messages;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a stored response as JSON", e);
        }
    }

    private <T> T read(String value, TypeReference<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a stored response's JSON", e);
        }
    }

    private static <T> DatabaseClient.GenericExecuteSpec bindOrNull(DatabaseClient.GenericExecuteSpec spec,
            String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }
}
