package dev.fleet.orchestrator.messaging;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskCaseDecided;
import dev.fleet.events.v1.RiskCaseEscalated;
import dev.fleet.events.v1.RiskCaseOpened;
import dev.fleet.events.v1.RiskCaseOutcome;
import dev.fleet.events.v1.RiskCaseReviewed;
import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.RiskRuleSetChanged;
import dev.fleet.orchestrator.domain.risk.CaseReview;
import dev.fleet.orchestrator.domain.risk.RiskCase;
import dev.fleet.orchestrator.domain.risk.RiskCaseEvents;
import dev.fleet.orchestrator.domain.risk.RuleSetEvents;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Announces risk changes through the outbox ({@link OutboxEventWriter}): a tenant's whole rule-set
 * state on {@code fleet.risk.rule-sets.v1} (key: tenant id) with a {@code RiskRuleSetChanged} event
 * (subject {@code risk-rule-set/<version>}); each step of a case as a domain event (subject
 * {@code risk-case/<id>}; the actor is the reviewer, or the orchestrator for opening and escalating),
 * and a decision's {@link RiskCaseOutcome} on {@code fleet.risk.case-outcomes.v1} (key:
 * {@code tenantId/accountId}, like the decisions).
 */
@Component
public class RiskOutbox implements RuleSetEvents, RiskCaseEvents {

    private final OutboxEventWriter writer;
    private final OutboxDelivery delivery;
    private final String service;

    public RiskOutbox(OutboxEventWriter writer, OutboxDelivery delivery,
            FleetKafkaProperties kafka) {
        this.writer = writer;
        this.delivery = delivery;
        this.service = kafka.service();
    }

    @Override
    public Mono<Void> ruleSetChanged(UUID tenantId, RiskRuleSet state, int version, String change, String actor) {
        return writer.stateAndEvent(FleetTopics.RISK_RULE_SETS, tenantId.toString(), state, tenantId, actor,
                "risk-rule-set/" + version, new RiskRuleSetChanged(version, change));
    }

    @Override
    public Mono<Void> deliver() {
        return delivery.deliverInTransaction();
    }

    @Override
    public Mono<Void> caseOpened(RiskCase c) {
        return writer.domainEvent(c.tenantId(), service, subject(c), new RiskCaseOpened(c.id().toString(),
                c.transactionId(), c.accountId(), new Money(c.amount().toPlainString(), c.currency()), c.score(),
                c.decision().getReasons().stream().map(RiskReason::getRule).toList()));
    }

    @Override
    public Mono<Void> caseReviewed(RiskCase c, CaseReview review) {
        return writer.domainEvent(c.tenantId(), review.reviewer(), subject(c), new RiskCaseReviewed(
                c.id().toString(), review.reviewer(), review.resolution(), review.reason()));
    }

    @Override
    public Mono<Void> caseDecided(RiskCase c, List<String> reviewers, String reason) {
        RiskCaseOutcome outcome = new RiskCaseOutcome(c.tenantId().toString(), c.id().toString(), c.transactionId(),
                c.accountId(), c.resolution(), List.copyOf(reviewers), reason, c.decidedAt());
        return writer.stateAndEvent(FleetTopics.RISK_CASE_OUTCOMES, c.tenantId() + "/" + c.accountId(), outcome,
                c.tenantId(), reviewers.get(reviewers.size() - 1), subject(c),
                new RiskCaseDecided(c.id().toString(), c.transactionId(), c.resolution(), List.copyOf(reviewers)));
    }

    @Override
    public Mono<Void> caseEscalated(RiskCase c) {
        return writer.domainEvent(c.tenantId(), service, subject(c),
                new RiskCaseEscalated(c.id().toString(), c.openedAt(), c.dueAt()));
    }

    private static String subject(RiskCase c) {
        return "risk-case/" + c.id();
    }
}
