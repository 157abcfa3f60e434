package dev.fleet.orchestrator.domain.webhooks;

import java.time.Instant;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Webhooks and their deliveries, durably (so pending deliveries survive restarts). */
public interface WebhookStore {

    /** Registers or replaces the tenant's webhook; empty when the tenant does not exist. */
    Mono<QuotaWebhook> saveWebhook(QuotaWebhook webhook);

    Mono<QuotaWebhook> findWebhook(UUID tenantId);

    /** True when there was one to remove. */
    Mono<Boolean> deleteWebhook(UUID tenantId);

    /**
     * Writes a pending delivery of {@code notification} to the tenant's webhook, once per event id
     * (a second call changes nothing); false when the tenant has no webhook or the row existed.
     */
    Mono<Boolean> insertDelivery(QuotaNotification notification, String body, Instant now);

    /**
     * Takes up to {@code limit} pending deliveries that are due at {@code now}, counting an attempt
     * for each and leasing it until {@code leaseUntil} (another replica skips it meanwhile; a crash
     * leaves it to be retried after the lease).
     */
    Flux<WebhookDelivery> claimDue(Instant now, Instant leaseUntil, int limit);

    Mono<Void> markDelivered(UUID eventId, int status, Instant now);

    /** Records a failed attempt: pending again from {@code retryAt}, or dead when {@code retryAt} is null. */
    Mono<Void> markFailed(UUID eventId, Integer status, String error, Instant retryAt, Instant now);

    /** The tenant's most recent deliveries in {@code state}, newest first. */
    Flux<WebhookDelivery> deliveries(UUID tenantId, DeliveryState state, int limit);
}
