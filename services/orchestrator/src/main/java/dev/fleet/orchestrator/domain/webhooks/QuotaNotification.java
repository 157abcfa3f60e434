package dev.fleet.orchestrator.domain.webhooks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.QuotaExceeded;
import dev.fleet.events.v1.QuotaWarningReached;

/**
 * What a quota webhook is told: the JSON body of a {@code quota.warning} or {@code quota.exceeded}
 * notification, made from usage-metering's domain event of that transition.
 */
public record QuotaNotification(UUID eventId, UUID tenantId, String type, Map<String, Object> body) {

    public static final String WARNING = "quota.warning";
    public static final String EXCEEDED = "quota.exceeded";

    /**
     * The notification of {@code event}; empty for other payloads.
     *
     * @throws IllegalArgumentException when its event or tenant id is not a UUID (the record can never be handled)
     */
    public static Optional<QuotaNotification> of(DomainEvent event) {
        Object payload = event.getPayload();
        if (payload instanceof QuotaWarningReached warning) {
            return Optional.of(of(event, WARNING, warning.getMonth(), warning.getUsed(), warning.getLimit()));
        }
        if (payload instanceof QuotaExceeded exceeded) {
            return Optional.of(of(event, EXCEEDED, exceeded.getMonth(), exceeded.getUsed(), exceeded.getLimit()));
        }
        return Optional.empty();
    }

    private static QuotaNotification of(DomainEvent event, String type, String month, long used, long limit) {
        UUID eventId = UUID.fromString(event.getEventId());
        UUID tenantId = UUID.fromString(event.getTenantId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("event_id", eventId.toString());
        body.put("tenant_id", tenantId.toString());
        body.put("occurred_at", event.getOccurredAt().toString());
        body.put("month", month);
        body.put("used", used);
        body.put("limit", limit);
        return new QuotaNotification(eventId, tenantId, type, body);
    }
}
