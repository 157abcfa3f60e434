package dev.fleet.audit.persistence;

import java.time.Instant;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.audit.domain.AuditEntry;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.audit.domain.AuditedEvent;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link AuditLog} in PostgreSQL table {@code audit.events} over R2DBC. The dedupe check and the
 * write are one statement ({@code ON CONFLICT (event_id) DO NOTHING}), so a redelivered event never
 * makes a second row; the table's triggers reject UPDATE, DELETE and TRUNCATE.
 */
@Repository
public class R2dbcAuditLog implements AuditLog {

    private static final String APPEND = """
            INSERT INTO audit.events (event_id, tenant_id, type, occurred_at, actor, subject, produced_by, payload)
            VALUES (:eventId, :tenantId, :type, :occurredAt, :actor, :subject, :producedBy, :payload)
            ON CONFLICT (event_id) DO NOTHING""";

    private static final String PAGE = """
            SELECT seq, event_id, tenant_id, type, occurred_at, actor, subject, produced_by, payload, recorded_at
            FROM audit.events
            WHERE tenant_id = :tenantId AND seq > :afterSeq
            ORDER BY seq
            LIMIT :limit""";

    private final DatabaseClient db;

    public R2dbcAuditLog(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Boolean> append(AuditEntry entry) {
        return db.sql(APPEND)
                .bind("eventId", entry.eventId())
                .bind("tenantId", entry.tenantId())
                .bind("type", entry.type().typeName())
                .bind("occurredAt", entry.occurredAt())
                .bind("actor", entry.actor())
                .bind("subject", entry.subject())
                .bind("producedBy", entry.producedBy())
                .bind("payload", Json.of(entry.payloadJson()))
                .fetch().rowsUpdated()
                .map(rows -> rows > 0);
    }

    @Override
    public Flux<AuditedEvent> page(String tenantId, long afterSeq, int limit) {
        return db.sql(PAGE)
                .bind("tenantId", tenantId)
                .bind("afterSeq", afterSeq)
                .bind("limit", limit)
                .map(R2dbcAuditLog::event)
                .all();
    }

    private static AuditedEvent event(Readable row) {
        return new AuditedEvent(
                row.get("seq", Long.class),
                row.get("event_id", UUID.class),
                row.get("tenant_id", String.class),
                row.get("type", String.class),
                row.get("occurred_at", Instant.class),
                row.get("actor", String.class),
                row.get("subject", String.class),
                row.get("produced_by", String.class),
                row.get("payload", Json.class).asString(),
                row.get("recorded_at", Instant.class));
    }
}
