package dev.fleet.orchestrator.web;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.KeyRateLimits;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantCursor;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.TenantQuery;
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

    /**
     * Tenants newest first, a page at a time: {@code q} matches a part of the name (ignoring case) or
     * the whole id; {@code cursor} is the previous page's {@code next_cursor}.
     */
    @GetMapping("/tenants")
    public Mono<TenantListResponse> tenants(@RequestParam(required = false) String q,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        TenantCursor after = cursor == null || cursor.isEmpty() ? null : TenantCursor.parse(cursor)
                .orElseThrow(() -> new ApiErrorException(ApiError.invalidRequest(
                        "cursor is not one this API gave (use next_cursor of the previous page)", "cursor")));
        TenantQuery query = new TenantQuery(q, after, limit(limit));
        return admin.tenants(query).map(TenantListResponse::of);
    }

    private static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return TenantQuery.DEFAULT_LIMIT;
        }
        try {
            int parsed = Integer.parseInt(limit.trim());
            if (parsed >= 1 && parsed <= TenantQuery.MAX_LIMIT) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new ApiErrorException(ApiError.invalidRequest(
                "limit must be a whole number from 1 to " + TenantQuery.MAX_LIMIT, "limit"));
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

    /** Moves the tenant to another plan; its own limits stay, the rest are the new plan's. */
    @PutMapping("/tenants/{id}/plan")
    public Mono<TenantResponse> changePlan(@PathVariable String id,
            @RequestBody(required = false) ChangePlanRequest body) {
        TenantPlan plan = TenantPlan.parse(body == null ? null : body.plan()).orElseThrow(() -> new ApiErrorException(
                ApiError.invalidRequest("plan must be one of free, pro, enterprise", "plan")));
        return change(id, tenantId -> admin.changePlan(tenantId, plan));
    }

    /** Suspends the tenant: after the 200, every gateway refuses its keys (403 tenant_suspended). */
    @PostMapping("/tenants/{id}/suspend")
    public Mono<TenantResponse> suspend(@PathVariable String id) {
        return change(id, admin::suspend);
    }

    @PostMapping("/tenants/{id}/resume")
    public Mono<TenantResponse> resume(@PathVariable String id) {
        return change(id, admin::resume);
    }

    /** The tenant's keys, newest first, by prefix: never a key or its hash. */
    @GetMapping("/tenants/{id}/keys")
    public Mono<KeyListResponse> keys(@PathVariable String id) {
        return uuid(id).map(admin::keys).orElseGet(Mono::empty)
                .map(KeyListResponse::of)
                .switchIfEmpty(Mono.error(() -> tenantNotFound(id)));
    }

    private static Mono<TenantResponse> change(String id, Function<UUID, Mono<Tenant>> change) {
        return uuid(id).map(change).orElseGet(Mono::empty)
                .map(TenantResponse::of)
                .switchIfEmpty(Mono.error(() -> tenantNotFound(id)));
    }

    @PostMapping("/tenants/{tenantId}/keys")
    public Mono<ResponseEntity<ApiKeyResponse>> issueKey(@PathVariable String tenantId,
            @Validated @RequestBody(required = false) IssueKeyRequest body) {
        KeyRateLimits limits;
        try {
            limits = body == null || body.limits() == null ? KeyRateLimits.NONE : body.limits().toKeyLimits();
        } catch (LimitsBody.TenantOnlyLimitException e) {
            throw new ApiErrorException(ApiError.invalidRequest(e.getMessage(), "limits." + e.field()));
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
        return CanonicalUuid.parse(id);
    }
}
