package dev.fleet.audit.persistence;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

import dev.fleet.audit.domain.AuditedEvent;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;

/** Reading {@code audit.events} rows: the columns every query selects and the row as an {@link AuditedEvent}. */
final class AuditRows {

    static final String COLUMNS = "seq, event_id, tenant_id, type, occurred_at, actor, subject, produced_by, "
            + "payload, recorded_at, chain_position, prev_hash, hash";

    private AuditRows() {
    }

    static AuditedEvent event(Readable row) {
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
                row.get("recorded_at", Instant.class),
                row.get("chain_position", Long.class),
                bytes(row, "prev_hash"),
                bytes(row, "hash"));
    }

    static byte[] bytes(Readable row, String column) {
        ByteBuffer buffer = row.get(column, ByteBuffer.class);
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
