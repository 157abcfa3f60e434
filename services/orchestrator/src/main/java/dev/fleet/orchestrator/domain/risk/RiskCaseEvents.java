package dev.fleet.orchestrator.domain.risk;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Tells the fleet about each step of a case, as domain events (audit keeps the full history) and,
 * for a decision, the {@code RiskCaseOutcome} product apps act on; through the transactional outbox,
 * so each call runs in the transaction of its step.
 */
public interface RiskCaseEvents {

    Mono<Void> caseOpened(RiskCase riskCase);

    /** The first of two approvals; the case stays open. */
    Mono<Void> caseReviewed(RiskCase riskCase, CaseReview review);

    /** The case is decided by {@code reviewers}; {@code reason} is the deciding reviewer's. */
    Mono<Void> caseDecided(RiskCase decided, List<String> reviewers, String reason);

    Mono<Void> caseEscalated(RiskCase riskCase);
}
