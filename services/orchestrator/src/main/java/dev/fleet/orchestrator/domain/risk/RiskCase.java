package dev.fleet.orchestrator.domain.risk;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskDecision;

/**
 * A review case: a transaction the scorer held for a person, the decision that held it (its reasons
 * and features), where the case is and the reviews so far, in order.
 */
public record RiskCase(UUID id, UUID tenantId, String transactionId, String accountId, BigDecimal amount,
        String currency, double score, int ruleSetVersion, RiskDecision decision, CaseStatus status,
        RiskCaseResolution resolution, Instant openedAt, Instant dueAt, Instant escalatedAt, Instant decidedAt,
        List<CaseReview> reviews) {

    public RiskCase {
        reviews = List.copyOf(reviews);
    }

    /** A case for {@code decision}, opened at {@code now}, due {@code sla} later. */
    static RiskCase open(RiskDecision decision, Instant now, Duration sla) {
        UUID tenantId;
        BigDecimal amount;
        try {
            tenantId = UUID.fromString(decision.getTenantId());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the decision of transaction " + decision.getTransactionId()
                    + " names tenant '" + decision.getTenantId() + "', which is not a UUID");
        }
        try {
            amount = new BigDecimal(decision.getAmount().getAmount());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the decision of transaction " + decision.getTransactionId()
                    + " has amount '" + decision.getAmount().getAmount() + "', which is not a decimal");
        }
        return new RiskCase(UUID.randomUUID(), tenantId, decision.getTransactionId(), decision.getAccountId(),
                amount, decision.getAmount().getCurrency(), decision.getScore(), decision.getRuleSetVersion(),
                decision, CaseStatus.OPEN, null, now, now.plus(sla), null, null, List.of());
    }

    RiskCase withReview(CaseReview review) {
        List<CaseReview> all = new ArrayList<>(reviews);
        all.add(review);
        return new RiskCase(id, tenantId, transactionId, accountId, amount, currency, score, ruleSetVersion, decision,
                status, resolution, openedAt, dueAt, escalatedAt, decidedAt, all);
    }

    RiskCase decided(RiskCaseResolution outcome, Instant now) {
        return new RiskCase(id, tenantId, transactionId, accountId, amount, currency, score, ruleSetVersion, decision,
                CaseStatus.DECIDED, outcome, openedAt, dueAt, escalatedAt, now, reviews);
    }
}
