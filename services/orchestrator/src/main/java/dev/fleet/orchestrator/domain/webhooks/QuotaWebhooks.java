package dev.fleet.orchestrator.domain.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;

import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.orchestrator.domain.Actors;
import dev.fleet.orchestrator.domain.ControlPlaneEvents;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Quota webhooks: a tenant registers (or replaces, with a new secret) and removes its webhook —
 * each change with its {@code QuotaWebhookChanged} domain event in one transaction — and every
 * quota transition event becomes one pending delivery to it, which {@link WebhookDeliverer} sends.
 */
public class QuotaWebhooks {

    private final WebhookStore store;
    private final ControlPlaneEvents events;
    private final ObjectMapper json;
    private final Clock clock;

    public QuotaWebhooks(WebhookStore store, ControlPlaneEvents events, ObjectMapper json, Clock clock) {
        this.store = store;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Registers {@code url} with a new secret (shown to the caller once); empty when the tenant does
     * not exist.
     *
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL
     */
    @Transactional
    public Mono<QuotaWebhook> register(UUID tenantId, String url) {
        String valid = validUrl(url);
        return Mono.defer(() -> store.saveWebhook(new QuotaWebhook(tenantId, valid, WebhookSignature.newSecret(),
                        clock.instant()))
                .flatMap(saved -> Actors.current().flatMap(actor -> events.quotaWebhookChanged(tenantId, valid, actor)).thenReturn(saved)));
    }

    public Mono<QuotaWebhook> find(UUID tenantId) {
        return store.findWebhook(tenantId);
    }

    /** True when there was a webhook to remove. */
    @Transactional
    public Mono<Boolean> remove(UUID tenantId) {
        return store.deleteWebhook(tenantId).flatMap(removed -> removed
                ? Actors.current().flatMap(actor -> events.quotaWebhookChanged(tenantId, null, actor)).thenReturn(true)
                : Mono.just(false));
    }

    public Flux<WebhookDelivery> deliveries(UUID tenantId, DeliveryState state, int limit) {
        return store.deliveries(tenantId, state, limit);
    }

    /**
     * Writes the delivery of a quota transition, once per event id; other events, and tenants without a
     * webhook, write nothing. True when a delivery was written.
     */
    public Mono<Boolean> record(DomainEvent event) {
        return Mono.defer(() -> QuotaNotification.of(event)
                .map(notification -> store.insertDelivery(notification, body(notification), clock.instant()))
                .orElseGet(() -> Mono.just(false)));
    }

    private String body(QuotaNotification notification) {
        try {
            return json.writeValueAsString(notification.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notification body is plain JSON", e);
        }
    }

    /**
     * The URL, trimmed, when it is absolute http(s) with a host.
     *
     * @throws IllegalArgumentException saying what is wrong with it otherwise
     */
    public static String validUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is required");
        }
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("url must be an absolute http or https URL");
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid URL: " + e.getReason());
        }
    }
}
