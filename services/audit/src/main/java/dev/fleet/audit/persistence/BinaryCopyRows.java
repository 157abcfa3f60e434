package dev.fleet.audit.persistence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

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

    /** The whole COPY input for {@code rows}: {@link #header()}, their {@link #tuples}, {@link #trailer()}. */
    public static byte[] encode(List<ChainedEntry> rows) {
        Tuples out = new Tuples(rows.size() * 400 + SIGNATURE.length + 10);
        out.bytes(SIGNATURE);
        out.int32(0); // flags
        out.int32(0); // header extension length
        rows.forEach(out::row);
        out.int16(-1);
        return out.toByteArray();
    }

    /** What the input starts with: the signature, no flags, no header extension. */
    public static byte[] header() {
        Tuples out = new Tuples(SIGNATURE.length + 8);
        out.bytes(SIGNATURE);
        out.int32(0);
        out.int32(0);
        return out.toByteArray();
    }

    /** One tuple per row, with nothing before or after: a stream may send the rows in any number of pieces. */
    public static byte[] tuples(List<ChainedEntry> rows) {
        Tuples out = new Tuples(rows.size() * 400);
        rows.forEach(out::row);
        return out.toByteArray();
    }

    /** What the input ends with: a tuple count of -1. */
    public static byte[] trailer() {
        return new byte[] {(byte) 0xFF, (byte) 0xFF};
    }

    /**
     * A growing big-endian buffer: the rows of a batch are tens of megabytes, and
     * {@code DataOutputStream} over {@code ByteArrayOutputStream} took a synchronized call per byte
     * of every number (about a third of the writer's Java time).
     */
    private static final class Tuples {

        private byte[] buffer;
        private int size;

        Tuples(int capacity) {
            buffer = new byte[Math.max(capacity, 64)];
        }

        void row(ChainedEntry row) {
            int16(11);
            int32(16);
            int64(row.entry().eventId().getMostSignificantBits());
            int64(row.entry().eventId().getLeastSignificantBits());
            text(row.entry().tenantId());
            text(row.entry().type().typeName());
            int32(8);
            int64(ChronoUnit.MICROS.between(POSTGRES_EPOCH, row.entry().occurredAt()));
            text(row.entry().actor());
            text(row.entry().subject());
            text(row.entry().producedBy());
            byte[] json = row.entry().payloadJson().getBytes(StandardCharsets.UTF_8);
            int32(json.length + 1);
            room(1);
            buffer[size++] = 1; // jsonb binary format version
            bytes(json);
            int32(8);
            int64(row.position());
            int32(row.previousHash().length);
            bytes(row.previousHash());
            int32(row.hash().length);
            bytes(row.hash());
        }

        void text(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            int32(utf8.length);
            bytes(utf8);
        }

        void int16(int value) {
            room(2);
            SHORT.set(buffer, size, (short) value);
            size += 2;
        }

        void int32(int value) {
            room(4);
            INT.set(buffer, size, value);
            size += 4;
        }

        void int64(long value) {
            room(8);
            LONG.set(buffer, size, value);
            size += 8;
        }

        void bytes(byte[] value) {
            room(value.length);
            System.arraycopy(value, 0, buffer, size, value.length);
            size += value.length;
        }

        private void room(int bytes) {
            if (size + bytes > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + bytes));
            }
        }

        byte[] toByteArray() {
            return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        }

        private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    }
}
