package dev.fleet.orchestrator.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The transactional outbox, {@code orchestrator.outbox}. Writers append in their own transaction;
 * the relay locks the oldest unpublished rows, publishes them and marks them published, or parks
 * the ones that can never be published (they keep {@code published_at} null and get
 * {@code failed_at} and a reason).
 */
@Repository
public class OutboxRepository {

    private final DatabaseClient db;

    public OutboxRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> append(OutboxRow row) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("""
                INSERT INTO orchestrator.outbox (event_id, topic, message_key, payload, tenant_id, traceparent)
                VALUES (:eventId, :topic, :key, :payload, :tenantId, :traceparent)""")
                .bind("eventId", row.eventId())
                .bind("topic", row.topic())
                .bind("key", row.key())
                .bind("tenantId", row.tenantId());
        insert = row.payload() == null ? insert.bindNull("payload", byte[].class) // a tombstone
                : insert.bind("payload", row.payload());
        insert = row.traceparent() == null ? insert.bindNull("traceparent", String.class)
                : insert.bind("traceparent", row.traceparent());
        return insert.then();
    }

    /**
     * Makes this transaction the only relay until it ends (a transaction-scoped advisory lock), so
     * batches from different replicas can never overtake each other and reorder a key's updates.
     * False when another replica is relaying right now.
     */
    public Mono<Boolean> tryBecomeRelay() {
        return db.sql("SELECT pg_try_advisory_xact_lock(hashtext('orchestrator.outbox')) AS locked")
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one();
    }

    /**
     * Waits (at most {@code timeout}, then fails with PostgreSQL's {@code lock_not_available}) until
     * this transaction is the only outbox publisher: the relay's lock, taken by an admin write that
     * publishes its own rows before it commits.
     */
    public Mono<Void> becomePublisher(Duration timeout) {
        return db.sql("SELECT set_config('lock_timeout', :timeout, true)")
                .bind("timeout", Math.max(1, timeout.toMillis()) + "ms")
                .then()
                .then(db.sql("SELECT pg_advisory_xact_lock(hashtext('orchestrator.outbox'))").then());
    }

    /** The oldest rows of {@code topics} neither published nor parked, locked until the transaction ends. */
    public Flux<OutboxRow> lockUnpublished(Collection<String> topics, int limit) {
        return db.sql("""
                SELECT id, event_id, topic, message_key, payload, tenant_id, traceparent
                FROM orchestrator.outbox
                WHERE published_at IS NULL AND failed_at IS NULL AND topic = ANY(:topics)
                ORDER BY id
                LIMIT :limit
                FOR UPDATE SKIP LOCKED""")
                .bind("topics", topics.toArray(String[]::new))
                .bind("limit", limit)
                .map(OutboxRepository::row)
                .all();
    }

    private static OutboxRow row(io.r2dbc.spi.Readable row) {
        return new OutboxRow(row.get("id", Long.class), row.get("event_id", UUID.class),
                row.get("topic", String.class), row.get("message_key", String.class),
                row.get("payload", byte[].class), row.get("tenant_id", UUID.class),
                row.get("traceparent", String.class));
    }

    /** The oldest rows neither published nor parked, locked until the transaction ends. */
    public Flux<OutboxRow> lockUnpublished(int limit) {
        return db.sql("""
                SELECT id, event_id, topic, message_key, payload, tenant_id, traceparent
                FROM orchestrator.outbox
                WHERE published_at IS NULL AND failed_at IS NULL
                ORDER BY id
                LIMIT :limit
                FOR UPDATE SKIP LOCKED""")
                .bind("limit", limit)
                .map(OutboxRepository::row)
                .all();
    }

    /** Those of {@code ids} inserted by the current transaction (PostgreSQL 13 or later). */
    public Flux<Long> writtenByThisTransaction(List<Long> ids) {
        return db.sql("SELECT id FROM orchestrator.outbox WHERE id = ANY(:ids) AND xmin = pg_current_xact_id()::xid")
                .bind("ids", ids.toArray(Long[]::new))
                .map(row -> row.get("id", Long.class))
                .all();
    }

    public Mono<Long> markPublished(List<Long> ids, Instant at) {
        if (ids.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("UPDATE orchestrator.outbox SET published_at = :at WHERE id = ANY(:ids)")
                .bind("at", at)
                .bind("ids", ids.toArray(Long[]::new))
                .fetch()
                .rowsUpdated();
    }

    /** Parks a row that can never be published; {@code failure} must not contain payload bytes or secrets. */
    public Mono<Long> markFailed(long id, String failure, Instant at) {
        return db.sql("UPDATE orchestrator.outbox SET failed_at = :at, failure = :failure WHERE id = :id")
                .bind("at", at)
                .bind("failure", failure)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
    }

    /** How many rows wait to be published and how many are parked, across all replicas. */
    public Mono<Backlog> backlog() {
        return db.sql("""
                SELECT count(*) FILTER (WHERE failed_at IS NULL) AS pending,
                       count(*) FILTER (WHERE failed_at IS NOT NULL) AS parked
                FROM orchestrator.outbox
                WHERE published_at IS NULL""")
                .map(row -> new Backlog(row.get("pending", Long.class), row.get("parked", Long.class)))
                .one();
    }

    /**
     * @param pending rows not yet published (nor parked)
     * @param parked  rows that can never be published
     */
    public record Backlog(long pending, long parked) {
    }
}
