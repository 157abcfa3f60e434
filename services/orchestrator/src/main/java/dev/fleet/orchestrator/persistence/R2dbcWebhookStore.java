package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.orchestrator.domain.webhooks.DeliveryState;
import dev.fleet.orchestrator.domain.webhooks.QuotaNotification;
import dev.fleet.orchestrator.domain.webhooks.QuotaWebhook;
import dev.fleet.orchestrator.domain.webhooks.WebhookDelivery;
import dev.fleet.orchestrator.domain.webhooks.WebhookStore;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Webhooks in {@code orchestrator.quota_webhooks}, deliveries in {@code orchestrator.webhook_deliveries}
 * (see {@code V6__quota_webhooks.sql}). Claims use {@code FOR UPDATE SKIP LOCKED}, so replicas share
 * the work without sending a delivery twice at once.
 */
@Repository
public class R2dbcWebhookStore implements WebhookStore {

    private static final String DELIVERY_COLUMNS = "event_id, tenant_id, type, url, body, state, attempts, "
            + "last_status, last_error, next_attempt_at, created_at, updated_at";

    private final DatabaseClient db;

    public R2dbcWebhookStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<QuotaWebhook> saveWebhook(QuotaWebhook webhook) {
        return db.sql("""
                INSERT INTO orchestrator.quota_webhooks (tenant_id, url, secret, created_at, updated_at)
                SELECT id, :url, :secret, :now, :now FROM orchestrator.tenants WHERE id = :tenantId
                ON CONFLICT (tenant_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret,
                    updated_at = EXCLUDED.updated_at""")
                .bind("tenantId", webhook.tenantId())
                .bind("url", webhook.url())
                .bind("secret", webhook.secret())
                .bind("now", webhook.updatedAt())
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 1 ? Mono.just(webhook) : Mono.empty());
    }

    @Override
    public Mono<QuotaWebhook> findWebhook(UUID tenantId) {
        return db.sql("SELECT tenant_id, url, secret, updated_at FROM orchestrator.quota_webhooks WHERE tenant_id = :id")
                .bind("id", tenantId)
                .map(row -> new QuotaWebhook(row.get("tenant_id", UUID.class), row.get("url", String.class),
                        row.get("secret", String.class), row.get("updated_at", Instant.class)))
                .one();
    }

    @Override
    public Mono<Boolean> deleteWebhook(UUID tenantId) {
        return db.sql("DELETE FROM orchestrator.quota_webhooks WHERE tenant_id = :id")
                .bind("id", tenantId)
                .fetch().rowsUpdated()
                .map(rows -> rows > 0);
    }

    @Override
    public Mono<Boolean> insertDelivery(QuotaNotification notification, String body, Instant now) {
        return db.sql("""
                INSERT INTO orchestrator.webhook_deliveries (event_id, tenant_id, type, url, body, state,
                    next_attempt_at, created_at, updated_at)
                SELECT :eventId, tenant_id, :type, url, :body, 'pending', :now, :now, :now
                FROM orchestrator.quota_webhooks WHERE tenant_id = :tenantId
                ON CONFLICT (event_id) DO NOTHING""")
                .bind("eventId", notification.eventId())
                .bind("tenantId", notification.tenantId())
                .bind("type", notification.type())
                .bind("body", body)
                .bind("now", now)
                .fetch().rowsUpdated()
                .map(rows -> rows == 1);
    }

    @Override
    public Flux<WebhookDelivery> claimDue(Instant now, Instant leaseUntil, int limit) {
        return db.sql("""
                UPDATE orchestrator.webhook_deliveries SET attempts = attempts + 1, next_attempt_at = :leaseUntil,
                    updated_at = :now
                WHERE event_id IN (SELECT event_id FROM orchestrator.webhook_deliveries
                    WHERE state = 'pending' AND next_attempt_at <= :now
                    ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
                RETURNING\s""" + DELIVERY_COLUMNS)
                .bind("now", now)
                .bind("leaseUntil", leaseUntil)
                .bind("limit", limit)
                .map(R2dbcWebhookStore::delivery)
                .all();
    }

    @Override
    public Mono<Void> markDelivered(UUID eventId, int status, Instant now) {
        return db.sql("""
                UPDATE orchestrator.webhook_deliveries SET state = 'delivered', last_status = :status,
                    last_error = NULL, updated_at = :now
                WHERE event_id = :eventId""")
                .bind("eventId", eventId)
                .bind("status", status)
                .bind("now", now)
                .then();
    }

    @Override
    public Mono<Void> markFailed(UUID eventId, Integer status, String error, Instant retryAt, Instant now) {
        DatabaseClient.GenericExecuteSpec update = db.sql("""
                UPDATE orchestrator.webhook_deliveries SET state = :state, last_status = :status,
                    last_error = :error, next_attempt_at = COALESCE(:retryAt, next_attempt_at), updated_at = :now
                WHERE event_id = :eventId""")
                .bind("eventId", eventId)
                .bind("state", retryAt == null ? DeliveryState.DEAD.label() : DeliveryState.PENDING.label())
                .bind("error", error.length() > 500 ? error.substring(0, 500) : error)
                .bind("now", now);
        update = status == null ? update.bindNull("status", Integer.class) : update.bind("status", status);
        update = retryAt == null ? update.bindNull("retryAt", Instant.class) : update.bind("retryAt", retryAt);
        return update.then();
    }

    @Override
    public Flux<WebhookDelivery> deliveries(UUID tenantId, DeliveryState state, int limit) {
        return db.sql("SELECT " + DELIVERY_COLUMNS + " FROM orchestrator.webhook_deliveries "
                        + "WHERE tenant_id = :tenantId AND state = :state ORDER BY created_at DESC LIMIT :limit")
                .bind("tenantId", tenantId)
                .bind("state", state.label())
                .bind("limit", limit)
                .map(R2dbcWebhookStore::delivery)
                .all();
    }

    private static WebhookDelivery delivery(Readable row) {
        return new WebhookDelivery(row.get("event_id", UUID.class), row.get("tenant_id", UUID.class),
                row.get("type", String.class), row.get("url", String.class), row.get("body", String.class),
                DeliveryState.parse(row.get("state", String.class)).orElseThrow(),
                row.get("attempts", Integer.class), row.get("last_status", Integer.class),
                row.get("last_error", String.class), row.get("next_attempt_at", Instant.class),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }
}
