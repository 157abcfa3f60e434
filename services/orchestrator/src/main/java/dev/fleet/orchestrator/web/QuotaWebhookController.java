package dev.fleet.orchestrator.web;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.orchestrator.domain.webhooks.DeliveryState;
import dev.fleet.orchestrator.domain.webhooks.QuotaWebhook;
import dev.fleet.orchestrator.domain.webhooks.QuotaWebhooks;
import dev.fleet.orchestrator.domain.webhooks.WebhookDelivery;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Mono;

/**
 * A tenant's quota webhook under {@code /admin/tenants/{tenantId}/webhook} (admin token): register
 * or replace it ({@code PUT}, answering the new signing secret — the only time it is shown), read it
 * (without the secret), remove it, and list its recent deliveries by state.
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/webhook")
public class QuotaWebhookController {

    private static final int DELIVERIES_SHOWN = 100;

    private final QuotaWebhooks webhooks;

    public QuotaWebhookController(QuotaWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    public record WebhookBody(String url) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WebhookResponse(@JsonProperty("tenant_id") String tenantId, String url, String secret,
            @JsonProperty("updated_at") Instant updatedAt) {

        static WebhookResponse of(QuotaWebhook webhook, boolean withSecret) {
            return new WebhookResponse(webhook.tenantId().toString(), webhook.url(),
                    withSecret ? webhook.secret() : null, webhook.updatedAt());
        }

        @Override
        public String toString() { // never print the secret
            return "WebhookResponse[tenantId=" + tenantId + ", url=" + url + "]";
        }
    }

    public record DeliveryResponse(@JsonProperty("event_id") String eventId, String type, String url, String state,
            int attempts, @JsonProperty("last_status") Integer lastStatus,
            @JsonProperty("last_error") String lastError, @JsonProperty("next_attempt_at") Instant nextAttemptAt,
            @JsonProperty("created_at") Instant createdAt, @JsonProperty("updated_at") Instant updatedAt) {

        static DeliveryResponse of(WebhookDelivery d) {
            return new DeliveryResponse(d.eventId().toString(), d.type(), d.url(), d.state().label(), d.attempts(),
                    d.lastStatus(), d.lastError(), d.state() == DeliveryState.PENDING ? d.nextAttemptAt() : null,
                    d.createdAt(), d.updatedAt());
        }
    }

    public record DeliveriesResponse(String object, List<DeliveryResponse> data) {
    }

    @PutMapping
    public Mono<WebhookResponse> register(@PathVariable String tenantId, @RequestBody WebhookBody body) {
        String url = body == null ? null : body.url();
        UUID tenant = TenantIds.parse(tenantId);
        try {
            QuotaWebhooks.validUrl(url);
        } catch (IllegalArgumentException e) {
            throw new ApiErrorException(ApiError.invalidRequest(e.getMessage(), "url"));
        }
        return webhooks.register(tenant, url).map(webhook -> WebhookResponse.of(webhook, true))
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @GetMapping
    public Mono<WebhookResponse> webhook(@PathVariable String tenantId) {
        return webhooks.find(TenantIds.parse(tenantId)).map(webhook -> WebhookResponse.of(webhook, false))
                .switchIfEmpty(Mono.error(() -> webhookNotFound(tenantId)));
    }

    @DeleteMapping
    public Mono<ResponseEntity<Void>> remove(@PathVariable String tenantId) {
        return webhooks.remove(TenantIds.parse(tenantId)).flatMap(removed -> removed
                ? Mono.just(ResponseEntity.noContent().<Void>build())
                : Mono.error(webhookNotFound(tenantId)));
    }

    @GetMapping("/deliveries")
    public Mono<DeliveriesResponse> deliveries(@PathVariable String tenantId,
            @RequestParam(defaultValue = "dead") String state) {
        DeliveryState wanted = DeliveryState.parse(state).orElseThrow(() -> new ApiErrorException(
                ApiError.invalidRequest("state must be one of pending, delivered, dead", "state")));
        return webhooks.deliveries(TenantIds.parse(tenantId), wanted, DELIVERIES_SHOWN).map(DeliveryResponse::of)
                .collectList().map(list -> new DeliveriesResponse("list", list));
    }

    private static ApiErrorException webhookNotFound(String id) {
        return new ApiErrorException(ApiError.notFound("tenant " + id + " has no quota webhook", "webhook_not_found"));
    }
}
