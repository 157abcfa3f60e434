package dev.fleet.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.orchestrator.domain.ChatOutcome;
import dev.fleet.test.SharedPostgres;

/**
 * A chat's settlement against the local PostgreSQL: the "answered" mark and the outbox rows in one
 * statement — the rows in their order with their nullable columns, and nothing written the second
 * time a request is settled.
 */
class R2dbcProcessedRequestsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static R2dbcProcessedRequests marks;

    @BeforeAll
    static void migrate() {
        marks = new R2dbcProcessedRequests(OrchestratorSchema.migratedClient());
    }

    @Test
    void marksTheRequestAndAppendsItsRowsInOrderInOneStatement() throws SQLException {
        // given a request and three rows, one a tombstone without a trace
        UUID tenant = UUID.randomUUID();
        ChatRequested request = request(tenant);
        List<OutboxRow> rows = List.of(row(tenant, "fleet.usage.v1", new byte[] {1, 2}, "00-a-b-01"),
                row(tenant, "fleet.domain.events.v1", new byte[] {3}, "00-c-d-01"),
                row(tenant, "fleet.domain.events.v1", null, null));

        // when
        Boolean first = marks.settle(request, ChatOutcome.SUCCEEDED, rows).block(WAIT);

        // then
        assertThat(first).isTrue();
        assertThat(marks.isCompleted(request.getRequestId()).block(WAIT)).isTrue();
        List<Map<String, Object>> written = outbox(tenant);
        assertThat(written).extracting(r -> r.get("event_id")).containsExactlyElementsOf(
                rows.stream().map(OutboxRow::eventId).toList());
        assertThat(written).extracting(r -> r.get("topic"))
                .containsExactly("fleet.usage.v1", "fleet.domain.events.v1", "fleet.domain.events.v1");
        assertThat((byte[]) written.get(0).get("payload")).containsExactly(1, 2);
        assertThat(written.get(2).get("payload")).isNull();
        assertThat(written.get(2).get("traceparent")).isNull();
        assertThat(written.get(1).get("traceparent")).isEqualTo("00-c-d-01");
    }

    @Test
    void aSecondSettlementOfTheSameRequestWritesNothing() throws SQLException {
        // given a settled request
        UUID tenant = UUID.randomUUID();
        ChatRequested request = request(tenant);
        marks.settle(request, ChatOutcome.SUCCEEDED, List.of(row(tenant, "fleet.usage.v1", new byte[] {1}, null)))
                .block(WAIT);

        // when it is settled again (a redelivery answered concurrently)
        Boolean again = marks.settle(request, ChatOutcome.FAILED,
                List.of(row(tenant, "fleet.usage.v1", new byte[] {9}, null))).block(WAIT);

        // then
        assertThat(again).isFalse();
        assertThat(outbox(tenant)).hasSize(1);
    }

    private static ChatRequested request(UUID tenant) {
        return ChatRequested.newBuilder().setRequestId(UUID.randomUUID().toString()).setTenantId(tenant.toString())
                .setConversationId("conv-" + UUID.randomUUID())
                .setModel("m").setMessages(List.of()).setStream(false).setMetadata(Map.of()).setReplyTo("g")
                .setRequestedAt(Instant.now()).build();
    }

    private static OutboxRow row(UUID tenant, String topic, byte[] payload, String traceparent) {
        return new OutboxRow(0, UUID.randomUUID(), topic, tenant.toString(), payload, tenant, traceparent);
    }

    private static List<Map<String, Object>> outbox(UUID tenant) throws SQLException {
        try (Connection db = SharedPostgres.connect(); PreparedStatement query = db.prepareStatement(
                "SELECT event_id, topic, payload, traceparent FROM orchestrator.outbox WHERE tenant_id = ? ORDER BY id")) {
            query.setObject(1, tenant);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    row.put("event_id", rs.getObject("event_id"));
                    row.put("topic", rs.getString("topic"));
                    row.put("payload", rs.getBytes("payload"));
                    row.put("traceparent", rs.getString("traceparent"));
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
