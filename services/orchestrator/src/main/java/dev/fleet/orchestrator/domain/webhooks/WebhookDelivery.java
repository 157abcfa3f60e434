package dev.fleet.orchestrator.domain.webhooks;

import java.time.Instant;
import java.util.UUID;

/**
 * One notification to a tenant's webhook and how its delivery went. {@code attempts} counts the
 * POSTs made; {@code lastStatus} is the last HTTP status (null when there was no response).
 */
public record WebhookDelivery(UUID eventId, UUID tenantId, String type, String url, String body,
        DeliveryState state, int attempts, Integer lastStatus, String lastError, Instant nextAttemptAt,
        Instant createdAt, Instant updatedAt) {
}
