package dev.fleet.audit.bench;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.fleet.audit.domain.AuditEntry;
import dev.fleet.audit.domain.ChainHead;
import dev.fleet.audit.domain.ChainedEntry;
import dev.fleet.audit.persistence.BinaryCopyRows;
import dev.fleet.audit.persistence.R2dbcAuditLog;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.test.SharedPostgres;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;

/**
 * {@code scripts/fleet bench audit}: rows/s that the audit writer ({@link R2dbcAuditLog#append},
 * batches of {@code fleet.audit.batch-size}, one after another as one consumer thread writes them:
 * the first one transaction of heads locked and read, rows chained and one binary COPY; the later
 * ones chained from the heads the writer remembers, each one COPY in autocommit; heads moved by the
 * table's trigger) ÷ rows/s of
 * pgjdbc's {@code CopyManager} binary COPY of the same rows (already chained) into a scratch table
 * with the same columns and indexes. Target ≥ 0.8. Not a test: it prints, it asserts nothing.
 * <p>
 * Each run also times the writer's database work alone: the same batches chained beforehand and
 * sent as the writer sends them over pgjdbc (the head upsert with the first, a binary COPY into
 * {@code audit.events} each, its chain trigger included), so the gap splits into the database's part
 * and the Java side's (chaining, R2DBC).
 * <p>
 * Arguments (all optional): rows per run (200000), tenants (100), batch size (5000, the service's default), measured runs
 * (9: a single run's COPY varies by up to a third on this machine, so the median needs several).
 * The database is {@code FLEET_TEST_POSTGRES_DB} on the local server (scripts/bench-audit sets it).
 */
public final class AuditWriteBenchmark {

    /** The writer's head lock (ChainSql.LOCK_HEADS), as a JDBC statement. */
    private static final String LOCK_HEADS = """
            INSERT INTO audit.chain_heads AS h (tenant_id)
            SELECT t FROM unnest(CAST(? AS text[])) AS t ORDER BY t
            ON CONFLICT (tenant_id) DO UPDATE SET chain_position = h.chain_position
            RETURNING h.tenant_id, h.chain_position, h.hash""";

    private AuditWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = arg(args, 0, 200_000);
        int tenants = arg(args, 1, 100);
        int batchSize = arg(args, 2, 5000); // fleet.audit.batch-size's default
        int runs = arg(args, 3, 9);
        migrate();
        String[] hostPort = SharedPostgres.hostPort().split(":");
        PostgresqlConnectionFactory factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration
                .builder().host(hostPort[0]).port(Integer.parseInt(hostPort[1])).database(SharedPostgres.DATABASE)
                .username(SharedPostgres.user()).build());
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(1)
                .maxSize(2).build());
        R2dbcAuditLog writer = new R2dbcAuditLog(DatabaseClient.create(pool), new R2dbcTransactionManager(pool));
        System.out.printf(Locale.ROOT, "audit writer vs binary COPY: %d rows per run, %d tenants, batches of %d, "
                + "PostgreSQL %s, database %s%n", rows, tenants, batchSize, serverVersion(), SharedPostgres.DATABASE);
        try (Connection jdbc = SharedPostgres.connect()) {
            execute(jdbc, "CREATE SCHEMA IF NOT EXISTS audit_bench");
            for (int warmUp = 1; warmUp <= 2; warmUp++) {
                measure(writer, jdbc, rows, tenants, batchSize, warmUp, "warm-up");
            }
            List<double[]> results = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                results.add(measure(writer, jdbc, rows, tenants, batchSize, run, "run"));
            }
            System.out.printf(Locale.ROOT, "median: writer %.0f rows/s, COPY %.0f rows/s, ratio %.2f (target >= 0.80); "
                    + "database work alone %.2f of COPY, writer %.2f of the database work alone%n", median(results, 0),
                    median(results, 1), median(results, 2), median(results, 3), median(results, 4));
            execute(jdbc, "DROP TABLE IF EXISTS audit_bench.events_copy");
        } finally {
            pool.dispose();
        }
    }

    /**
     * One run: the writer and the COPY each into an empty table, the writer first in odd runs and
     * second in even runs (so neither always runs on a disk just written by the other), then the
     * database work alone, into an empty log again (it used to fill the log the writer had filled).
     */
    private static double[] measure(R2dbcAuditLog writer, Connection jdbc, int rows, int tenants, int batchSize,
            int run, String label) throws Exception {
        startEmpty(jdbc);
        double writerRate;
        double copyRate;
        if (run % 2 == 1) {
            writerRate = writerRate(writer, jdbc, rows, tenants, batchSize);
            copyRate = copyRate(jdbc, rows, tenants);
        } else {
            copyRate = copyRate(jdbc, rows, tenants);
            writerRate = writerRate(writer, jdbc, rows, tenants, batchSize);
        }
        double ratio = writerRate / copyRate;
        startEmpty(jdbc);
        double databaseRate = databaseRate(jdbc, rows, tenants, batchSize);
        System.out.printf(Locale.ROOT, "%s %d: writer %.0f rows/s, COPY %.0f rows/s, ratio %.2f "
                + "(database work alone %.0f rows/s = %.2f of COPY)%n", label, run, writerRate, copyRate, ratio,
                databaseRate, databaseRate / copyRate);
        return new double[] {writerRate, copyRate, ratio, databaseRate / copyRate, writerRate / databaseRate};
    }

    /** The writer's rows/s: batches appended one after another, as the consumer thread appends them. */
    private static double writerRate(R2dbcAuditLog writer, Connection jdbc, int rows, int tenants, int batchSize)
            throws SQLException {
        List<AuditEntry> written = entries(rows, tenants);
        quiesce(jdbc);
        long start = System.nanoTime();
        for (int from = 0; from < written.size(); from += batchSize) {
            writer.append(written.subList(from, Math.min(written.size(), from + batchSize))).block(Duration.ofMinutes(1));
        }
        return rows / seconds(System.nanoTime() - start);
    }

    /** pgjdbc's binary COPY of the same rows, chained beforehand, encoded inside the timing. */
    private static double copyRate(Connection jdbc, int rows, int tenants) throws Exception {
        List<ChainedEntry> chained = chain(entries(rows, tenants));
        quiesce(jdbc);
        long start = System.nanoTime();
        byte[] copy = BinaryCopyRows.encode(chained);
        long copied = jdbc.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY audit_bench.events_copy ("
                + BinaryCopyRows.COLUMNS + ") FROM STDIN (FORMAT binary)", new ByteArrayInputStream(copy));
        return copied / seconds(System.nanoTime() - start);
    }

    private static double databaseRate(Connection jdbc, int rows, int tenants, int batchSize) throws Exception {
        // the writer's database work alone: the same batches, chained beforehand, over pgjdbc, as the
        // writer sends them — a batch with a tenant not written yet one transaction of the head upsert
        // and a binary COPY into audit.events, every other one a COPY in autocommit (the trigger checks
        // and moves the heads): what is left of the gap is the database's, not the Java side's
        List<ChainedEntry> prechained = chain(entries(rows, tenants));
        Set<String> written = new HashSet<>();
        quiesce(jdbc);
        long start = System.nanoTime();
        for (int from = 0; from < prechained.size(); from += batchSize) {
            List<ChainedEntry> batch = prechained.subList(from, Math.min(prechained.size(), from + batchSize));
            String[] batchTenants = batch.stream().map(r -> r.entry().tenantId()).distinct().sorted()
                    .toArray(String[]::new);
            boolean locked = !written.containsAll(List.of(batchTenants));
            if (locked) {
                jdbc.setAutoCommit(false);
                try (PreparedStatement lock = jdbc.prepareStatement(LOCK_HEADS)) {
                    lock.setArray(1, jdbc.createArrayOf("text", batchTenants));
                    lock.executeQuery().close();
                }
            }
            jdbc.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY audit.events (" + BinaryCopyRows.COLUMNS
                    + ") FROM STDIN (FORMAT binary)", new ByteArrayInputStream(BinaryCopyRows.encode(batch)));
            if (locked) {
                jdbc.commit();
                jdbc.setAutoCommit(true);
                written.addAll(List.of(batchTenants));
            }
        }
        return rows / seconds(System.nanoTime() - start);
    }

    /**
     * {@code rows} completion events spread round-robin over {@code tenants} fresh tenants, each
     * made from a {@code DomainEvent} as the audit listener makes it ({@link AuditEntry#of}).
     */
    private static List<AuditEntry> entries(int rows, int tenants) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        List<AuditEntry> entries = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            CompletionSucceeded completion = CompletionSucceeded.newBuilder().setRequestId("req-" + i)
                    .setModel("fleet-extractive").setPromptTokens(100 + i % 900).setCompletionTokens(20 + i % 300)
                    .setConversationId(i % 3 == 0 ? "conv-" + (i / 3) : null).setHistoryMessagesKept(i % 5)
                    .setHistoryMessagesDropped(0).setHistoryTokens(i % 5 * 40).setPromptName(null)
                    .setPromptVersion(null).build();
            entries.add(AuditEntry.of(DomainEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setTenantId("bench-" + run + "-" + (i % tenants)).setOccurredAt(now.plusMillis(i))
                    .setActor("key/k" + (i % 7)).setSubject("request/req-" + i).setProducedBy("orchestrator")
                    .setPayload(completion).build()));
        }
        return entries;
    }

    private static List<ChainedEntry> chain(List<AuditEntry> entries) {
        Map<String, ChainHead> heads = new HashMap<>();
        List<ChainedEntry> chained = new ArrayList<>(entries.size());
        for (AuditEntry entry : entries) {
            ChainedEntry row = heads.getOrDefault(entry.tenantId(), ChainHead.GENESIS).append(entry);
            heads.put(entry.tenantId(), ChainHead.after(row));
            chained.add(row);
        }
        return chained;
    }

    /**
     * Every run starts from an empty log and an empty scratch table: the log is append-only (no
     * TRUNCATE), so its schema is dropped and migrated again. Without this the writer appended to a
     * table holding every earlier run's rows (millions, its indexes far beyond shared_buffers) while
     * COPY filled a fresh one, and the ratio measured the tables' sizes as much as the writer.
     */
    private static void startEmpty(Connection jdbc) throws SQLException {
        execute(jdbc, "DROP SCHEMA audit CASCADE");
        migrate();
        execute(jdbc, "DROP TABLE IF EXISTS audit_bench.events_copy");
        execute(jdbc, "CREATE TABLE audit_bench.events_copy (LIKE audit.events INCLUDING ALL)");
        for (String table : List.of("audit.events", "audit.chain_heads", "audit_bench.events_copy")) {
            execute(jdbc, "ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
        }
    }

    /**
     * The same starting point for each timed part: the previous part's WAL checkpointed (a
     * checkpoint that falls inside a timed part slowed it by up to 2x) and no autovacuum on the
     * tables being filled (an insert-only table is vacuumed after 1,000 + 20 % new rows, on the same
     * two cores). Both apply alike to the writer, the COPY and the database work alone.
     */
    private static void quiesce(Connection jdbc) throws SQLException {
        execute(jdbc, "CHECKPOINT");
        System.gc();
    }

    private static void migrate() {
        Flyway.configure().dataSource(SharedPostgres.jdbcUrl(), SharedPostgres.user(), "").schemas("audit")
                .createSchemas(true).locations("classpath:db/migration/audit").load().migrate();
    }

    private static String serverVersion() throws SQLException {
        try (Connection jdbc = SharedPostgres.connect()) {
            return jdbc.getMetaData().getDatabaseProductVersion();
        }
    }

    private static void execute(Connection jdbc, String sql) throws SQLException {
        try (Statement statement = jdbc.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The median of column {@code column} over the runs (each column on its own: runs vary, one run's row is not typical). */
    private static double median(List<double[]> results, int column) {
        double[] values = results.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
