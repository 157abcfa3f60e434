package dev.fleet.audit.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.audit.domain.AuditEntry;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.audit.domain.AuditedEvent;
import dev.fleet.audit.domain.ChainHead;
import dev.fleet.audit.domain.ChainedEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * {@link AuditLog} in PostgreSQL over R2DBC. A batch is one transaction, one binary COPY
 * ({@link BinaryCopyRows}) whose rows are chained in Java ({@link ChainHead#append}) piece by piece
 * while PostgreSQL inserts the previous pieces; the table's trigger checks that each tenant's rows
 * continue its stored head and moves it, a unique (tenant, position) index backs that up, other
 * triggers reject UPDATE, DELETE and TRUNCATE. Where the rows chain from:
 * <ul>
 * <li><b>Remembered heads</b> (decision 0054): the writer keeps the heads its committed batches left.
 * A batch whose tenants all have one is chained from them and copied in autocommit: the COPY is the
 * transaction, one round trip. Partitions are keyed by tenant, so one writer appends a tenant's
 * events and its remembered head is the stored one; when another writer moved it (a rebalance, a
 * second replica), the trigger or the unique index refuses the whole COPY, nothing is written, and
 * the batch is appended again from locked heads.
 * <li><b>Locked heads</b>: one upsert creates or locks each tenant's head and reads it (in tenant
 * order, so concurrent writers of one tenant queue and never fork its chain), then the COPY and the
 * COMMIT: four round trips, for a batch with a tenant this writer has not written yet, and for every
 * retry.
 * </ul>
 * Rows already recorded are skipped when a COPY met one (a redelivery writes nothing).
 */
@Repository
public class R2dbcAuditLog implements AuditLog {

    /**
     * Further attempts on locked heads after a refusal of stale heads: a locked attempt can still
     * lose a deadlock to a writer copying rows of the same tenants on remembered heads (both waiting
     * in the unique position index; decision 0054); three more are plenty for the rare rebalance.
     */
    static final int LOCKED_RETRIES = 3;

    /** Remembered heads kept at most; past it they are forgotten at once and learnt again under locks. */
    static final int REMEMBERED_HEADS = 100_000;

    private final DatabaseClient db;
    private final TransactionalOperator transactions;

    /** Each tenant's head as this writer's last committed batch left it; possibly stale, never trusted by the database. */
    private final Map<String, ChainHead> remembered = new ConcurrentHashMap<>();

    private final LongAdder rememberedAppends = new LongAdder();
    private final LongAdder lockedAppends = new LongAdder();
    private final LongAdder staleHeads = new LongAdder();

    public R2dbcAuditLog(DatabaseClient db, ReactiveTransactionManager transactionManager) {
        this.db = db;
        this.transactions = TransactionalOperator.create(transactionManager);
    }

    @Override
    public Mono<Integer> append(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return Mono.just(0);
        }
        String[] tenants = new TreeSet<>(entries.stream().map(AuditEntry::tenantId).toList()).toArray(String[]::new);
        Map<String, ChainHead> heads = remembered(tenants);
        Mono<Batch> first = heads == null ? attempt(entries, tenants, false) : onRememberedHeads(entries, heads);
        return first
                .onErrorResume(R2dbcAuditLog::isStaleHead, e -> {
                    staleHeads.increment();
                    return attempt(entries, tenants, false).retryWhen(Retry.max(LOCKED_RETRIES)
                            .filter(R2dbcAuditLog::isStaleHead)
                            .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
                })
                .onErrorResume(R2dbcAuditLog::isRecordedEvent, e -> attempt(entries, tenants, true))
                .doOnNext(batch -> remember(batch.heads()))
                .doOnError(e -> forget(tenants))
                .map(Batch::rows);
    }

    /** The rows one committed attempt wrote, and each of its tenants' heads after them. */
    private record Batch(int rows, Map<String, ChainHead> heads) {
    }

    /**
     * One attempt without a transaction of its own: the rows chained from the remembered heads in one
     * COPY, which autocommit makes its own transaction. A stale head fails it whole (the trigger's
     * serialization failure or the unique position index; a deadlock with a writer copying the same
     * tenants in another order), as does an event already recorded.
     */
    private Mono<Batch> onRememberedHeads(List<AuditEntry> entries, Map<String, ChainHead> heads) {
        rememberedAppends.increment();
        return copy(new ChainedCopy(entries, heads, Set.of()));
    }

    /**
     * One attempt, one transaction: lock and read the heads, then chain the rows while they are
     * copied ({@link ChainedCopy}); the trigger moves the heads. Optimistic about redeliveries:
     * without {@code dedupe} it does not look for recorded event ids first, and a COPY that meets one
     * fails on the unique index (the whole transaction rolls back) and is retried with {@code dedupe};
     * redeliveries are rare (a crash or a rebalance before a commit), so most batches save that round
     * trip.
     */
    private Mono<Batch> attempt(List<AuditEntry> entries, String[] tenants, boolean dedupe) {
        Mono<Set<UUID>> recorded = dedupe
                ? recorded(entries.stream().map(e -> e.eventId().toString()).toArray(String[]::new))
                : Mono.just(Set.of());
        return Mono.defer(() -> {
            lockedAppends.increment();
            return transactions.transactional(lockHeads(tenants).zipWith(recorded)
                    .flatMap(headsAndRecorded -> copy(new ChainedCopy(entries, headsAndRecorded.getT1(),
                            headsAndRecorded.getT2()))));
        });
    }

    /** The tenants' remembered heads, or null when one of them has none. */
    private Map<String, ChainHead> remembered(String[] tenants) {
        Map<String, ChainHead> heads = new HashMap<>(tenants.length * 2);
        for (String tenant : tenants) {
            ChainHead head = remembered.get(tenant);
            if (head == null) {
                return null;
            }
            heads.put(tenant, head);
        }
        return heads;
    }

    /** Keeps the heads a committed batch left, unless a later batch of this writer already moved one further. */
    private void remember(Map<String, ChainHead> heads) {
        if (remembered.size() + heads.size() > REMEMBERED_HEADS) {
            remembered.clear();
        }
        heads.forEach((tenant, head) -> remembered.merge(tenant, head,
                (kept, moved) -> moved.position() >= kept.position() ? moved : kept));
    }

    private void forget(String[] tenants) {
        for (String tenant : tenants) {
            remembered.remove(tenant);
        }
    }

    /** Batches appended on remembered heads, in one COPY without a lock (a stale head's attempt included). */
    public long appendsOnRememberedHeads() {
        return rememberedAppends.sum();
    }

    /** Attempts on locked heads: a tenant not remembered yet, a stale head's retry, a redelivery. */
    public long appendsOnLockedHeads() {
        return lockedAppends.sum();
    }

    /** Attempts refused because the heads they chained from had moved (another writer appended those tenants). */
    public long staleHeads() {
        return staleHeads.sum();
    }

    /**
     * Whether {@code e} says the heads this attempt chained from were not the stored ones, or were
     * being moved by another writer: the trigger's serialization failure, another row already at a
     * position, a head another writer holds (the trigger does not wait for it, V4), a deadlock
     * between writers copying rows of the same tenants. An attempt on remembered heads another
     * writer moved, or a writer that bypassed the head lock; the batch is appended again on locked
     * heads.
     */
    private static boolean isStaleHead(Throwable e) {
        return sqlState(e, "40001", "") || sqlState(e, "40P01", "") || sqlState(e, "55P03", "")
                || sqlState(e, "23505", "events_tenant_chain_position");
    }

    /** Whether {@code e} is the unique index on {@code event_id} refusing an event already recorded. */
    private static boolean isRecordedEvent(Throwable e) {
        return sqlState(e, "23505", "events_event_id_key");
    }

    private static boolean sqlState(Throwable e, String state, String messagePart) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException r2dbc && state.equals(r2dbc.getSqlState())
                    && String.valueOf(r2dbc.getMessage()).contains(messagePart)) {
                return true;
            }
        }
        return false;
    }

    private Mono<Map<String, ChainHead>> lockHeads(String[] tenants) {
        return db.sql(ChainSql.LOCK_HEADS).bind("tenants", tenants)
                .map(row -> Map.entry(row.get("tenant_id", String.class),
                        new ChainHead(row.get("chain_position", Long.class), AuditRows.bytes(row, "hash"))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private Mono<Set<UUID>> recorded(String[] eventIds) {
        return db.sql(ChainSql.RECORDED).bind("ids", eventIds)
                .map(row -> row.get("event_id", UUID.class))
                .all()
                .collect(HashSet::new, Set::add);
    }

    /**
     * Streams {@code rows} into one COPY, each piece its own CopyData message as soon as it is
     * chained; nothing is sent when every entry was already recorded. (The driver joins every buffer
     * of one inner publisher into a single message: given the pieces as one publisher, as
     * {@code copyIn(sql, publisher)} does, it sent nothing until the whole batch was chained, and
     * PostgreSQL waited.)
     */
    private Mono<Batch> copy(ChainedCopy rows) {
        if (!rows.hasRows()) {
            return Mono.just(new Batch(0, rows.heads));
        }
        return db.inConnection(connection -> postgres(connection).copyIn(ChainSql.COPY)
                        .fromMany(rows.pieces().map(Mono::just))
                        .build())
                .map(copied -> new Batch(copied.intValue(), rows.chained()));
    }

    /**
     * A batch's entries chained from the locked heads and encoded for COPY in pieces of
     * {@value #PIECE_ROWS} rows, on the parallel scheduler (not the connection's event loop), each
     * sent as its own CopyData message: PostgreSQL inserts one piece while the next ones are hashed,
     * so the Java side's work (canonical JSON, SHA-256, encoding) overlaps the database's instead of
     * preceding it. The driver asks for up to 32 pieces at once (its {@code concatMap} prefetch), so
     * a batch of the default size is chained as fast as the scheduler runs, bounded by the batch
     * (about 2.5 MB of rows). An entry already recorded, or twice in the batch, is skipped.
     */
    static final class ChainedCopy {

        static final int PIECE_ROWS = 250;

        /** The queue between the chaining thread and the driver's subscription (publishOn's prefetch). */
        static final int PIECES_AHEAD = 4;

        private final List<AuditEntry> entries;
        private final Map<String, ChainHead> heads;
        private final Set<UUID> recorded;

        /** The heads after the last row chained, set when the trailer is taken. */
        private volatile Map<String, ChainHead> chained;

        ChainedCopy(List<AuditEntry> entries, Map<String, ChainHead> heads, Set<UUID> recorded) {
            this.entries = entries;
            this.heads = heads;
            this.recorded = recorded;
        }

        boolean hasRows() {
            return entries.stream().anyMatch(e -> !recorded.contains(e.eventId()));
        }

        /** The COPY input: the header, the chained rows piece by piece, the trailer; chained anew for each subscriber. */
        Flux<ByteBuf> pieces() {
            return Flux.defer(() -> {
                Map<String, ChainHead> moving = new HashMap<>(heads);
                Set<UUID> seen = new HashSet<>(recorded);
                Flux<ByteBuf> rows = Flux.range(0, (entries.size() + PIECE_ROWS - 1) / PIECE_ROWS)
                        .map(piece -> Unpooled.wrappedBuffer(BinaryCopyRows.tuples(chain(
                                entries.subList(piece * PIECE_ROWS, Math.min(entries.size(), (piece + 1) * PIECE_ROWS)),
                                moving, seen))))
                        .filter(ByteBuf::isReadable)
                        .subscribeOn(Schedulers.parallel())
                        .publishOn(Schedulers.parallel(), PIECES_AHEAD);
                return Flux.concat(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(BinaryCopyRows.header())), rows,
                        Mono.fromSupplier(() -> {
                            chained = moving;
                            return Unpooled.wrappedBuffer(BinaryCopyRows.trailer());
                        }));
            });
        }

        /** Each tenant's head after the rows copied; call once the COPY completed. */
        Map<String, ChainHead> chained() {
            Map<String, ChainHead> after = chained;
            if (after == null) {
                throw new IllegalStateException("the COPY completed before its rows were all chained");
            }
            return after;
        }

        private static List<ChainedEntry> chain(List<AuditEntry> entries, Map<String, ChainHead> moving,
                Set<UUID> seen) {
            List<ChainedEntry> rows = new ArrayList<>(entries.size());
            for (AuditEntry entry : entries) {
                if (!seen.add(entry.eventId())) {
                    continue; // already recorded, or twice in this batch
                }
                ChainedEntry row = moving.get(entry.tenantId()).append(entry);
                moving.put(entry.tenantId(), ChainHead.after(row));
                rows.add(row);
            }
            return rows;
        }
    }

    /** The driver's connection under Spring's transaction proxy and the pool's wrapper: COPY is PostgreSQL's own API. */
    private static PostgresqlConnection postgres(Connection connection) {
        Object c = connection;
        while (!(c instanceof PostgresqlConnection) && c instanceof Wrapped<?> wrapped) {
            c = wrapped.unwrap();
        }
        if (c instanceof PostgresqlConnection postgres) {
            return postgres;
        }
        throw new IllegalStateException("the audit log needs a PostgreSQL R2DBC connection, not "
                + connection.getClass().getName());
    }

    /**
     * {@inheritDoc} A type filter walks the tenant's rows by {@code (tenant_id, seq)} and skips the
     * other types: cheap for common types, a longer scan for a rare type in a long log.
     */
    @Override
    public Flux<AuditedEvent> page(String tenantId, String type, long afterSeq, int limit) {
        String byType = type == null ? "" : "AND type = :type ";
        DatabaseClient.GenericExecuteSpec query = db.sql("SELECT " + AuditRows.COLUMNS
                        + " FROM audit.events WHERE tenant_id = :tenantId AND seq > :afterSeq " + byType
                        + "ORDER BY seq LIMIT :limit")
                .bind("tenantId", tenantId)
                .bind("afterSeq", afterSeq)
                .bind("limit", limit);
        if (type != null) {
            query = query.bind("type", type);
        }
        return query.map(AuditRows::event).all();
    }

    @Override
    public Flux<AuditedEvent> export(String tenantId, Instant from, Instant to) {
        return db.sql("SELECT " + AuditRows.COLUMNS + " FROM audit.events WHERE tenant_id = :tenantId "
                        + "AND occurred_at >= :from AND occurred_at < :to ORDER BY chain_position NULLS FIRST, seq")
                .bind("tenantId", tenantId)
                .bind("from", from)
                .bind("to", to)
                .map(AuditRows::event)
                .all();
    }

    @Override
    public Flux<AuditedEvent> chain(String tenantId) {
        return db.sql("SELECT " + AuditRows.COLUMNS + " FROM audit.events WHERE tenant_id = :tenantId "
                        + "AND chain_position IS NOT NULL ORDER BY chain_position")
                .bind("tenantId", tenantId)
                .map(AuditRows::event)
                .all();
    }
}
