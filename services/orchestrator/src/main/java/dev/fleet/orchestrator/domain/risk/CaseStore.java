package dev.fleet.orchestrator.domain.risk;

import java.time.Instant;
import java.util.UUID;

import dev.fleet.events.v1.RiskCaseResolution;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Review cases and their reviews, durably. */
public interface CaseStore {

    /** Writes the case unless the tenant has one for the transaction; true when written. */
    Mono<Boolean> insertIfAbsent(RiskCase riskCase);

    /** The tenant's cases matching {@code query} at {@code now}, without their reviews. */
    Flux<RiskCase> list(UUID tenantId, CaseQuery query, Instant now);

    /**
     * Up to {@code limit} tenants that have cases awaiting a decision (open or escalated), the one whose
     * oldest such case is oldest first (ties by tenant id).
     */
    Flux<OpenQueue> openQueues(int limit);

    /** The case with its reviews. */
    Mono<RiskCase> find(UUID tenantId, UUID caseId);

    /** The case with its reviews, locked until the transaction ends. */
    Mono<RiskCase> lock(UUID tenantId, UUID caseId);

    Mono<Void> addReview(UUID caseId, CaseReview review);

    Mono<Void> markDecided(UUID caseId, RiskCaseResolution resolution, Instant now);

    /**
     * Escalates up to {@code limit} open cases due at {@code now} (rows another transaction holds are
     * skipped) and emits them as escalated; a case is escalated once.
     */
    Flux<RiskCase> escalateDue(Instant now, int limit);
}
