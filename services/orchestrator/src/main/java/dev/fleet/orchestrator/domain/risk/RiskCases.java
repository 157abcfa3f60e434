package dev.fleet.orchestrator.domain.risk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.springframework.transaction.annotation.Transactional;

import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskVerdict;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The compliance workflow: a REVIEW decision opens a case (once per tenant and transaction: a
 * redelivered decision opens nothing), reviewers approve or decline it under the {@link FourEyes}
 * rule, and a case not decided within its SLA is escalated once (it can still be decided). Every
 * step and its events are written in one transaction.
 */
public class RiskCases {

    /** Cases escalated per transaction of {@link #escalateDue()}. */
    static final int ESCALATION_BATCH = 100;

    private final CaseStore store;
    private final RiskCaseEvents events;
    private final FourEyes fourEyes;
    private final Duration sla;
    private final Clock clock;

    public RiskCases(CaseStore store, RiskCaseEvents events, FourEyes fourEyes, Duration sla, Clock clock) {
        this.store = store;
        this.events = events;
        this.fourEyes = fourEyes;
        this.sla = sla;
        this.clock = clock;
    }

    /**
     * Opens the case of a REVIEW decision; other verdicts open nothing. True when a case was opened.
     *
     * @throws IllegalArgumentException when the decision names no tenant UUID or no decimal amount
     */
    @Transactional
    public Mono<Boolean> open(RiskDecision decision) {
        if (decision.getVerdict() != RiskVerdict.REVIEW) {
            return Mono.just(false);
        }
        return Mono.defer(() -> {
            RiskCase riskCase = RiskCase.open(decision, now(), sla);
            return store.insertIfAbsent(riskCase).flatMap(opened -> opened
                    ? events.caseOpened(riskCase).thenReturn(true)
                    : Mono.just(false));
        });
    }

    public Flux<RiskCase> list(UUID tenantId, CaseQuery query) {
        return Flux.defer(() -> store.list(tenantId, query, now()));
    }

    /** Up to {@code limit} tenants with cases awaiting a decision, the longest-waiting first. */
    public Flux<OpenQueue> openQueues(int limit) {
        return store.openQueues(limit);
    }

    /** The four-eyes rule the reviews are held to. */
    public FourEyes fourEyes() {
        return fourEyes;
    }

    public Mono<RiskCase> find(UUID tenantId, UUID caseId) {
        return store.find(tenantId, caseId);
    }

    /**
     * Records {@code reviewer}'s {@code resolution}; answers the case as it is afterwards: decided,
     * or still open awaiting a second approval. Empty when the tenant has no such case.
     *
     * @throws CaseConflictException when the case is decided or the reviewer already reviewed it
     */
    @Transactional
    public Mono<RiskCase> review(UUID tenantId, UUID caseId, RiskCaseResolution resolution, String reviewer,
            String reason) {
        return store.lock(tenantId, caseId).flatMap(riskCase -> {
            Instant now = now();
            CaseReview review = new CaseReview(reviewer, resolution, reason, now);
            var deciders = fourEyes.decides(riskCase, review);
            RiskCase reviewed = riskCase.withReview(review);
            Mono<Void> write = store.addReview(caseId, review);
            if (deciders.isEmpty()) {
                return write.then(events.caseReviewed(reviewed, review)).thenReturn(reviewed);
            }
            RiskCase decided = reviewed.decided(resolution, now);
            return write.then(store.markDecided(caseId, resolution, now))
                    .then(events.caseDecided(decided, deciders.get(), reason))
                    .thenReturn(decided);
        });
    }

    /** Escalates one batch of open cases past their SLA, each with its event; emits how many. */
    @Transactional
    public Mono<Long> escalateDue() {
        return Flux.defer(() -> store.escalateDue(now(), ESCALATION_BATCH))
                .concatMap(escalated -> events.caseEscalated(escalated).thenReturn(escalated))
                .count();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
