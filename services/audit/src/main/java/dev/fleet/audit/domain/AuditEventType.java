package dev.fleet.audit.domain;

import org.apache.avro.specific.SpecificRecord;

import dev.fleet.events.v1.AccessRefusals;
import dev.fleet.events.v1.ApiKeyIssued;
import dev.fleet.events.v1.ApiKeyRevoked;
import dev.fleet.events.v1.CompletionFailed;
import dev.fleet.events.v1.ConsoleSignInRefused;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.ExperimentAssigned;
import dev.fleet.events.v1.ExperimentOutcome;
import dev.fleet.events.v1.ModelAliasChanged;
import dev.fleet.events.v1.ModelFallbackUsed;
import dev.fleet.events.v1.PriceBookPublished;
import dev.fleet.events.v1.PromptLabelMoved;
import dev.fleet.events.v1.PromptVersionCreated;
import dev.fleet.events.v1.QuotaExceeded;
import dev.fleet.events.v1.QuotaWarningReached;
import dev.fleet.events.v1.QuotaWebhookChanged;
import dev.fleet.events.v1.RecommendationRulesChanged;
import dev.fleet.events.v1.ResponseDeleted;
import dev.fleet.events.v1.RiskCaseDecided;
import dev.fleet.events.v1.RiskCaseEscalated;
import dev.fleet.events.v1.RiskCaseOpened;
import dev.fleet.events.v1.RiskCaseReviewed;
import dev.fleet.events.v1.RiskRuleSetChanged;
import dev.fleet.events.v1.StreamAborted;
import dev.fleet.events.v1.StreamCompleted;
import dev.fleet.events.v1.StreamStarted;
import dev.fleet.events.v1.TenantCreated;
import dev.fleet.events.v1.TenantLimitsChanged;
import dev.fleet.events.v1.TenantPlanChanged;
import dev.fleet.events.v1.TenantStatusChanged;

/**
 * The type of a domain event: one per branch of {@code DomainEvent.payload}, named like the
 * payload record. A payload type added to the union needs a constant here; until then such events
 * fail to record and go to the dead-letter topic (a test keeps the two in step).
 */
public enum AuditEventType {
    TENANT_CREATED(TenantCreated.class),
    API_KEY_ISSUED(ApiKeyIssued.class),
    API_KEY_REVOKED(ApiKeyRevoked.class),
    COMPLETION_SUCCEEDED(CompletionSucceeded.class),
    COMPLETION_FAILED(CompletionFailed.class),
    MODEL_FALLBACK_USED(ModelFallbackUsed.class),
    TENANT_LIMITS_CHANGED(TenantLimitsChanged.class),
    ACCESS_REFUSALS(AccessRefusals.class),
    PROMPT_VERSION_CREATED(PromptVersionCreated.class),
    PROMPT_LABEL_MOVED(PromptLabelMoved.class),
    QUOTA_WARNING_REACHED(QuotaWarningReached.class),
    QUOTA_EXCEEDED(QuotaExceeded.class),
    MODEL_ALIAS_CHANGED(ModelAliasChanged.class),
    EXPERIMENT_ASSIGNED(ExperimentAssigned.class),
    EXPERIMENT_OUTCOME(ExperimentOutcome.class),
    STREAM_STARTED(StreamStarted.class),
    STREAM_COMPLETED(StreamCompleted.class),
    STREAM_ABORTED(StreamAborted.class),
    PRICE_BOOK_PUBLISHED(PriceBookPublished.class),
    QUOTA_WEBHOOK_CHANGED(QuotaWebhookChanged.class),
    RESPONSE_DELETED(ResponseDeleted.class),
    RISK_RULE_SET_CHANGED(RiskRuleSetChanged.class),
    RISK_CASE_OPENED(RiskCaseOpened.class),
    RISK_CASE_REVIEWED(RiskCaseReviewed.class),
    RISK_CASE_DECIDED(RiskCaseDecided.class),
    RISK_CASE_ESCALATED(RiskCaseEscalated.class),
    TENANT_STATUS_CHANGED(TenantStatusChanged.class),
    TENANT_PLAN_CHANGED(TenantPlanChanged.class),
    CONSOLE_SIGN_IN_REFUSED(ConsoleSignInRefused.class),
    RECOMMENDATION_RULES_CHANGED(RecommendationRulesChanged.class);

    private final Class<? extends SpecificRecord> payloadType;

    AuditEventType(Class<? extends SpecificRecord> payloadType) {
        this.payloadType = payloadType;
    }

    /** The type of an event with this payload. */
    public static AuditEventType of(Object payload) {
        for (AuditEventType type : values()) {
            if (type.payloadType.isInstance(payload)) {
                return type;
            }
        }
        throw new IllegalArgumentException("no audit event type for payload "
                + (payload == null ? "null" : payload.getClass().getName()));
    }

    /** The name stored and served, the payload record's name, e.g. {@code CompletionSucceeded}. */
    public String typeName() {
        return payloadType.getSimpleName();
    }
}
