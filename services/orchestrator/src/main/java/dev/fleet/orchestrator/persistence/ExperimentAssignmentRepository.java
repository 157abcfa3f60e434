package dev.fleet.orchestrator.persistence;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.orchestrator.domain.ArmAssignment;

import reactor.core.publisher.Mono;

/** First assignments in {@code orchestrator.experiment_assignments}: one row per tenant, alias, experiment and user. */
@Repository
public class ExperimentAssignmentRepository {

    private final DatabaseClient db;

    public ExperimentAssignmentRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Inserts the assignment unless the user has one; true when this call inserted it. */
    public Mono<Boolean> insertFirst(String tenantId, ArmAssignment arm, String requestId, Instant now) {
        return db.sql("""
                INSERT INTO orchestrator.experiment_assignments
                    (tenant_id, alias, experiment, end_user, arm, bucket, request_id, assigned_at)
                VALUES (:tenantId, :alias, :experiment, :user, :arm, :bucket, :requestId, :now)
                ON CONFLICT DO NOTHING""")
                .bind("tenantId", tenantId)
                .bind("alias", arm.alias())
                .bind("experiment", arm.experiment())
                .bind("user", arm.user())
                .bind("arm", arm.arm())
                .bind("bucket", arm.bucket())
                .bind("requestId", requestId)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }
}
