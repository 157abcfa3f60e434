package dev.fleet.audit.persistence;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import dev.fleet.audit.domain.ChainedEntry;

/**
 * Chained audit rows in PostgreSQL's binary COPY format (header, one tuple per row, trailer), the
 * way {@link R2dbcAuditLog} inserts a batch: columns {@code event_id, tenant_id, type, occurred_at,
 * actor, subject, produced_by, payload, chain_position, prev_hash, hash} ({@code seq} and
 * {@code recorded_at} take their defaults). Binary, so PostgreSQL parses no text for uuids,
 * timestamps, numbers and hashes.
 */
public final class BinaryCopyRows {

    public static final String COLUMNS = "event_id, tenant_id, type, occurred_at, actor, subject, produced_by, payload, "
            + "chain_position, prev_hash, hash";

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private BinaryCopyRows() {
    }

    public static byte[] encode(List<ChainedEntry> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rows.size() * 400);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(SIGNATURE);
            out.writeInt(0); // flags
            out.writeInt(0); // header extension length
            for (ChainedEntry row : rows) {
                out.writeShort(11);
                uuid(out, row.entry().eventId());
                text(out, row.entry().tenantId());
                text(out, row.entry().type().typeName());
                out.writeInt(8);
                out.writeLong(ChronoUnit.MICROS.between(POSTGRES_EPOCH, row.entry().occurredAt()));
                text(out, row.entry().actor());
                text(out, row.entry().subject());
                text(out, row.entry().producedBy());
                byte[] json = row.entry().payloadJson().getBytes(StandardCharsets.UTF_8);
                out.writeInt(json.length + 1);
                out.writeByte(1); // jsonb binary format version
                out.write(json);
                out.writeInt(8);
                out.writeLong(row.position());
                bytea(out, row.previousHash());
                bytea(out, row.hash());
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void uuid(DataOutputStream out, UUID id) throws IOException {
        out.writeInt(16);
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void bytea(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
