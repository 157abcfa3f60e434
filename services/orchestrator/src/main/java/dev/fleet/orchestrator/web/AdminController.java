package dev.fleet.orchestrator.web;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.KeyRateLimits;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import reactor.core.publisher.Mono;

/**
 * The control-plane admin API under {@code /admin/}, behind the platform's admin-token filter.
 * Every change is committed together with its outbox records, and its tenant and key records are
 * acknowledged by Kafka, before the response is sent: after a 2xx, every gateway replica can use
 * the change (a new key works at once). When Kafka does not acknowledge in time the change rolls
 * back and the answer is 503 with {@code Retry-After}.
 */
@RestController
@RequestMapping("/admin")
public class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final TenantAdmin admin;

    public AdminController(TenantAdmin admin) {
        this.admin = admin;
    }

    @PostMapping("/tenants")
    public Mono<ResponseEntity<TenantResponse>> createTenant(@Validated @RequestBody CreateTenantRequest body) {
        TenantPlan plan = TenantPlan.parse(body.plan()).orElseThrow(() -> new ApiErrorException(
                ApiError.invalidRequest("plan must be one of free, pro, enterprise", "plan")));
        return admin.createTenant(body.name(), plan,
                        body.limits() == null ? LimitOverrides.NONE : body.limits().toOverrides())
                .map(tenant -> ResponseEntity.created(URI.create("/admin/tenants/" + tenant.id()))
                        .body(TenantResponse.of(tenant)));
    }

    @GetMapping("/tenants/{id}")
    public Mono<TenantResponse> tenant(@PathVariable String id) {
        return uuid(id).map(admin::tenant).orElseGet(Mono::empty)
                .map(TenantResponse::of)
                .switchIfEmpty(Mono.error(() -> tenantNotFound(id)));
    }

    /** Replaces the tenant's limits: a field left out returns to the plan's, 0 means no limit. */
    @PutMapping("/tenants/{id}/limits")
    public Mono<TenantResponse> setLimits(@PathVariable String id, @Validated @RequestBody LimitsBody body) {
        return uuid(id).map(tenantId -> admin.setLimits(tenantId, body.toOverrides())).orElseGet(Mono::empty)
                .map(TenantResponse::of)
                .switchIfEmpty(Mono.error(() -> tenantNotFound(id)));
    }

    @PostMapping("/tenants/{tenantId}/keys")
    public Mono<ResponseEntity<ApiKeyResponse>> issueKey(@PathVariable String tenantId,
            @Validated @RequestBody(required = false) IssueKeyRequest body) {
        KeyRateLimits limits;
        try {
            limits = body == null || body.limits() == null ? KeyRateLimits.NONE : body.limits().toKeyLimits();
        } catch (IllegalArgumentException e) {
            throw new ApiErrorException(ApiError.invalidRequest(e.getMessage(), "limits.monthly_tokens"));
        }
        return uuid(tenantId).map(id -> admin.issueKey(id, limits)).orElseGet(Mono::empty)
                .map(issued -> ResponseEntity.created(URI.create("/admin/keys/" + issued.key().id()))
                        .body(ApiKeyResponse.issued(issued)))
                .switchIfEmpty(Mono.error(() -> tenantNotFound(tenantId)));
    }

    @DeleteMapping("/keys/{keyId}")
    public Mono<ResponseEntity<Void>> revokeKey(@PathVariable String keyId) {
        return uuid(keyId).map(admin::revokeKey).orElseGet(Mono::empty)
                .map(revoked -> ResponseEntity.noContent().<Void>build())
                .switchIfEmpty(Mono.error(() -> new ApiErrorException(
                        ApiError.notFound("no API key with id " + keyId, "key_not_found"))));
    }

    @ExceptionHandler(ChangeNotDeliveredException.class)
    ResponseEntity<Map<String, Object>> notDelivered(ChangeNotDeliveredException e) {
        log.warn("admin change rolled back: {}", e.getMessage());
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable(
                "The event bus did not acknowledge the change in time; nothing was changed. Retry shortly.",
                "event_bus_unavailable"), RETRY_AFTER));
    }

    private static ApiErrorException tenantNotFound(String id) {
        return new ApiErrorException(ApiError.notFound("no tenant with id " + id, "tenant_not_found"));
    }

    /** Ids are UUIDs; anything else names nothing (404, not 400, like an unknown UUID). */
    private static Optional<UUID> uuid(String id) {
        try {
            UUID parsed = UUID.fromString(id);
            return parsed.toString().equalsIgnoreCase(id) ? Optional.of(parsed) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
