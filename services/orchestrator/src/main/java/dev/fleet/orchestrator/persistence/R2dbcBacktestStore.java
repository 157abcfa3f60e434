package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.orchestrator.domain.risk.backtest.BacktestJob;
import dev.fleet.orchestrator.domain.risk.backtest.BacktestReport;
import dev.fleet.orchestrator.domain.risk.backtest.BacktestStatus;
import dev.fleet.orchestrator.domain.risk.backtest.BacktestStore;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Backtests in {@code orchestrator.risk_backtests}; the report as JSON. */
public class R2dbcBacktestStore implements BacktestStore {

    private static final String COLUMNS = "id, tenant_id, range_from, range_to, baseline_version, candidate_version, "
            + "status, records_read, records_total, report, error, created_at, updated_at";

    private final DatabaseClient db;
    private final ObjectMapper json;

    public R2dbcBacktestStore(DatabaseClient db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Mono<Void> insert(BacktestJob job) {
        return db.sql("INSERT INTO orchestrator.risk_backtests (id, tenant_id, range_from, range_to, baseline_version, "
                        + "candidate_version, status, created_at, updated_at) VALUES (:id, :tenant, :from, :to, "
                        + ":baseline, :candidate, :status, :created, :created)")
                .bind("id", job.id())
                .bind("tenant", job.tenantId())
                .bind("from", job.from())
                .bind("to", job.to())
                .bind("baseline", job.baselineVersion())
                .bind("candidate", job.candidateVersion())
                .bind("status", job.status().wire())
                .bind("created", job.createdAt())
                .then();
    }

    @Override
    public Mono<Void> progress(UUID id, long read, long total, Instant now) {
        return db.sql("UPDATE orchestrator.risk_backtests SET records_read = :read, records_total = :total, "
                        + "updated_at = :now WHERE id = :id AND status = 'running'")
                .bind("id", id).bind("read", read).bind("total", total).bind("now", now)
                .then();
    }

    @Override
    public Mono<Void> finish(UUID id, BacktestStatus status, long read, long total, BacktestReport report,
            String error, Instant now) {
        DatabaseClient.GenericExecuteSpec update = db.sql("UPDATE orchestrator.risk_backtests SET status = :status, "
                        + "records_read = :read, records_total = :total, report = :report, error = :error, "
                        + "updated_at = :now WHERE id = :id")
                .bind("id", id).bind("status", status.wire()).bind("read", read).bind("total", total)
                .bind("now", now);
        update = report == null ? update.bindNull("report", Json.class) : update.bind("report", Json.of(write(report)));
        update = error == null ? update.bindNull("error", String.class) : update.bind("error", error);
        return update.then();
    }

    @Override
    public Mono<BacktestJob> find(UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM orchestrator.risk_backtests WHERE id = :id AND tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenantId)
                .map(this::job)
                .one();
    }

    @Override
    public Flux<BacktestJob> recent(UUID tenantId, int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM orchestrator.risk_backtests WHERE tenant_id = :tenant "
                        + "ORDER BY created_at DESC LIMIT :limit")
                .bind("tenant", tenantId).bind("limit", limit)
                .map(this::job)
                .all();
    }

    private BacktestJob job(Readable row) {
        Json report = row.get("report", Json.class);
        return new BacktestJob(row.get("id", UUID.class), row.get("tenant_id", UUID.class),
                instant(row, "range_from"), instant(row, "range_to"), row.get("baseline_version", Integer.class),
                row.get("candidate_version", Integer.class),
                BacktestStatus.valueOf(row.get("status", String.class).toUpperCase(java.util.Locale.ROOT)),
                row.get("records_read", Long.class), row.get("records_total", Long.class),
                report == null ? null : read(report.asString()), row.get("error", String.class),
                instant(row, "created_at"), instant(row, "updated_at"));
    }

    private static Instant instant(Readable row, String column) {
        return row.get(column, OffsetDateTime.class).toInstant();
    }

    private String write(BacktestReport report) {
        try {
            return json.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a backtest report", e);
        }
    }

    private BacktestReport read(String report) {
        try {
            return json.readValue(report, BacktestReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a stored backtest report", e);
        }
    }
}
