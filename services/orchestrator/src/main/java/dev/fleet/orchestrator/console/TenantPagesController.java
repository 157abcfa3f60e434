package dev.fleet.orchestrator.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantCursor;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.TenantQuery;

import reactor.core.publisher.Mono;

/**
 * The console's tenant pages: {@code /console/tenants} (search, a page at a time, and a form to create one)
 * and {@code /console/tenants/{id}} (plan, limits, suspend and resume, keys). Every change is a form post
 * answered by a redirect with {@code ?done=} or {@code ?problem=}; invalid input re-renders the page with 400
 * and the message next to its field, changing nothing. A new key is the one exception: its secret is in the
 * body of the post's answer ({@code no-store}) and nowhere else — not in a URL, the session or a log.
 *
 * <p>Changes are recorded with the signed-in name as their actor (the console puts it in the request's context,
 * {@code Actors}). Limits: keys are issued with the tenant's limits only (no per-key limits form yet).
 */
@Controller
public class TenantPagesController {

    static final int PAGE_SIZE = 25;
    static final int MAX_NAME = 200;

    private static final String NOT_DELIVERED =
            "The event bus did not acknowledge the change in time; nothing was changed. Try again shortly.";

    private final TenantAdmin admin;

    public TenantPagesController(TenantAdmin admin) {
        this.admin = admin;
    }

    @GetMapping("/console/tenants")
    Mono<Rendering> tenants(@RequestParam(required = false) String q, @RequestParam(required = false) String after,
            @RequestParam(required = false) String limit) {
        return listPage(q, after, limit, Map.of("plan", TenantPlan.FREE.apiName()), Map.of(), HttpStatus.OK);
    }

    @PostMapping("/console/tenants")
    Mono<Rendering> createTenant(ServerWebExchange exchange) {
        return exchange.getFormData().flatMap(form -> {
            String name = field(form, "name");
            Map<String, String> errors = new LinkedHashMap<>();
            if (name.isEmpty()) {
                errors.put("name", "Give the tenant a name.");
            } else if (name.length() > MAX_NAME) {
                errors.put("name", "A name has at most " + MAX_NAME + " characters.");
            }
            Optional<TenantPlan> plan = TenantPlan.parse(field(form, "plan"));
            if (plan.isEmpty()) {
                errors.put("plan", "Choose a plan: free, pro or enterprise.");
            }
            if (!errors.isEmpty()) {
                return listPage(null, null, null, Map.of("name", name, "plan", field(form, "plan")), errors,
                        HttpStatus.BAD_REQUEST);
            }
            return admin.createTenant(name, plan.get())
                    .map(tenant -> redirect(tenantPath(tenant.id()), "done", "Tenant " + tenant.name() + " created."))
                    .onErrorResume(ChangeNotDeliveredException.class,
                            e -> Mono.just(redirect("/console/tenants", "problem", NOT_DELIVERED)));
        });
    }

    private Mono<Rendering> listPage(String q, String after, String limit, Map<String, String> form,
            Map<String, String> errors, HttpStatus status) {
        TenantCursor cursor = after == null || after.isBlank() ? null : TenantCursor.parse(after)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST,
                        "That page link is not one the console gave; start again from the first page."));
        int size = pageSize(limit);
        TenantQuery query = new TenantQuery(q, cursor, size);
        return admin.tenants(query).map(page -> Rendering.view("console/tenants").status(status)
                .modelAttribute("q", query.text())
                .modelAttribute("limit", limit == null || limit.isBlank() ? null : size)
                .modelAttribute("rows", page.tenants().stream().map(TenantRows.TenantRow::of).toList())
                .modelAttribute("nextPage", page.next() == null ? null : listPath(query.text(), page.next(), limit))
                .modelAttribute("firstPage", cursor == null ? null : listPath(query.text(), null, limit))
                .modelAttribute("plans", plans())
                .modelAttribute("form", form)
                .modelAttribute("errors", errors)
                .build());
    }

    /** The list's address for the search {@code q}, from {@code after} (null: the first page). */
    private static String listPath(String q, TenantCursor after, String limit) {
        StringBuilder path = new StringBuilder("/console/tenants");
        char separator = '?';
        if (!q.isEmpty()) {
            path.append(separator).append("q=").append(URLEncoder.encode(q, StandardCharsets.UTF_8));
            separator = '&';
        }
        if (after != null) {
            path.append(separator).append("after=").append(after.token());
            separator = '&';
        }
        if (limit != null && !limit.isBlank()) {
            path.append(separator).append("limit=").append(pageSize(limit));
        }
        return path.toString();
    }

    private static int pageSize(String limit) {
        if (limit == null || limit.isBlank()) {
            return PAGE_SIZE;
        }
        try {
            return Math.max(1, Math.min(TenantQuery.MAX_LIMIT, Integer.parseInt(limit.trim())));
        } catch (NumberFormatException e) {
            return PAGE_SIZE;
        }
    }

    @GetMapping("/console/tenants/{id}")
    Mono<Rendering> tenant(@PathVariable String id) {
        return tenantPage(tenantId(id), Map.of(), Map.of(), HttpStatus.OK);
    }

    @PostMapping("/console/tenants/{id}/plan")
    Mono<Rendering> changePlan(@PathVariable String id, ServerWebExchange exchange) {
        UUID tenantId = tenantId(id);
        return exchange.getFormData().flatMap(form -> {
            Optional<TenantPlan> plan = TenantPlan.parse(field(form, "plan"));
            if (plan.isEmpty()) {
                return tenantPage(tenantId, Map.of(), Map.of("plan", "Choose a plan: free, pro or enterprise."),
                        HttpStatus.BAD_REQUEST);
            }
            return change(tenantId, t -> admin.changePlan(t, plan.get()),
                    tenant -> "Plan changed to " + tenant.plan().apiName() + ".");
        });
    }

    /** Replaces the tenant's overrides: a blank field is the plan's limit, 0 is no limit (as the JSON API). */
    @PostMapping("/console/tenants/{id}/limits")
    Mono<Rendering> setLimits(@PathVariable String id, ServerWebExchange exchange) {
        UUID tenantId = tenantId(id);
        return exchange.getFormData().flatMap(form -> {
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, String> errors = new LinkedHashMap<>();
            Long[] parsed = new Long[TenantRows.LIMIT_FIELDS.size()];
            for (int i = 0; i < parsed.length; i++) {
                String name = TenantRows.LIMIT_FIELDS.get(i);
                String value = field(form, name);
                values.put(name, value);
                try {
                    parsed[i] = limit(value, i == 0 ? Integer.MAX_VALUE : Long.MAX_VALUE);
                } catch (IllegalArgumentException e) {
                    errors.put(name, e.getMessage());
                }
            }
            if (!errors.isEmpty()) {
                return tenantPage(tenantId, values, errors, HttpStatus.BAD_REQUEST);
            }
            LimitOverrides overrides = new LimitOverrides(parsed[0] == null ? null : parsed[0].intValue(),
                    parsed[1], parsed[2], parsed[3], parsed[4], parsed[5]);
            return change(tenantId, t -> admin.setLimits(t, overrides), tenant -> "Limits saved.");
        });
    }

    private static Long limit(String value, long max) {
        if (value.isEmpty()) {
            return null;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.replace(",", "").replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Enter a whole number (0 for no limit), or leave it blank for the plan's.");
        }
        if (parsed < 0) {
            throw new IllegalArgumentException("A limit is 0 (no limit) or more.");
        }
        if (parsed > max) {
            throw new IllegalArgumentException("At most " + TenantRows.amount(max) + ".");
        }
        return parsed;
    }

    @PostMapping("/console/tenants/{id}/suspend")
    Mono<Rendering> suspend(@PathVariable String id) {
        return change(tenantId(id), admin::suspend, tenant -> "Tenant suspended: every gateway refuses its keys.");
    }

    @PostMapping("/console/tenants/{id}/resume")
    Mono<Rendering> resume(@PathVariable String id) {
        return change(tenantId(id), admin::resume, tenant -> "Tenant resumed: its active keys work again.");
    }

    /**
     * Issues a key and answers with a page that shows it once. Not a redirect: the secret must not travel in
     * a URL or rest in the session, and a reload of the page does not issue or show a key again.
     */
    @PostMapping("/console/tenants/{id}/keys")
    Mono<Rendering> issueKey(@PathVariable String id) {
        UUID tenantId = tenantId(id);
        return admin.tenant(tenantId)
                .switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("No tenant with id " + id + ".")))
                .flatMap(tenant -> admin.issueKey(tenantId).map(issued -> Rendering.view("console/key-issued")
                        .header(HttpHeaders.CACHE_CONTROL, CacheControl.noStore().getHeaderValue())
                        .header(HttpHeaders.PRAGMA, "no-cache")
                        .modelAttribute("tenant", tenant)
                        .modelAttribute("secret", issued.secret())
                        .modelAttribute("prefix", issued.key().prefix())
                        .build()))
                .onErrorResume(ChangeNotDeliveredException.class,
                        e -> Mono.just(redirect(tenantPath(tenantId), "problem", NOT_DELIVERED)));
    }

    /** Revokes one of the tenant's keys (a key of another tenant is not found here). */
    @PostMapping("/console/tenants/{id}/keys/{keyId}/revoke")
    Mono<Rendering> revokeKey(@PathVariable String id, @PathVariable String keyId) {
        UUID tenantId = tenantId(id);
        UUID key = uuid(keyId).orElseThrow(() -> ConsoleModel.notFound("No key with id " + keyId + "."));
        return admin.keys(tenantId).defaultIfEmpty(List.of())
                .flatMap(keys -> Mono.justOrEmpty(keys.stream().filter(k -> k.id().equals(key)).findFirst()))
                .switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("The tenant has no key with id " + keyId + ".")))
                .flatMap(summary -> admin.revokeKey(key)
                        .thenReturn(redirect(tenantPath(tenantId), "done", "Key " + summary.prefix() + "… revoked.")))
                .onErrorResume(ChangeNotDeliveredException.class,
                        e -> Mono.just(redirect(tenantPath(tenantId), "problem", NOT_DELIVERED)));
    }

    /**
     * The console's error page for these pages. {@link ConsoleModel}'s handler renders it too, but WebFlux clears
     * the model before an exception handler runs, so the layout would lack {@code currentPath} (and fail) and
     * the actor: both are put back here. (To move into ConsoleModel's handler, which would serve every page.)
     */
    private Mono<Rendering> change(UUID tenantId, Function<UUID, Mono<Tenant>> change,
            Function<Tenant, String> done) {
        return change.apply(tenantId)
                .switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("No tenant with id " + tenantId + ".")))
                .map(tenant -> redirect(tenantPath(tenantId), "done", done.apply(tenant)))
                .onErrorResume(ChangeNotDeliveredException.class,
                        e -> Mono.just(redirect(tenantPath(tenantId), "problem", NOT_DELIVERED)));
    }

    private Mono<Rendering> tenantPage(UUID id, Map<String, String> values, Map<String, String> errors,
            HttpStatus status) {
        return admin.tenant(id)
                .switchIfEmpty(Mono.error(() -> ConsoleModel.notFound("No tenant with id " + id + ".")))
                .zipWith(admin.keys(id).defaultIfEmpty(List.of()))
                .map(both -> {
                    Tenant tenant = both.getT1();
                    return Rendering.view("console/tenant").status(status)
                            .modelAttribute("tenant", tenant)
                            .modelAttribute("plan", tenant.plan().apiName())
                            .modelAttribute("status", TenantRows.status(tenant.status()))
                            .modelAttribute("active", tenant.status() == TenantStatus.ACTIVE)
                            .modelAttribute("created", TenantRows.time(tenant.createdAt()))
                            .modelAttribute("updated", TenantRows.time(tenant.updatedAt()))
                            .modelAttribute("plans", plans())
                            .modelAttribute("limits", TenantRows.LimitRow.of(tenant, values, errors))
                            .modelAttribute("keys", both.getT2().stream().map(TenantRows.KeyRow::of).toList())
                            .modelAttribute("errors", errors)
                            .build();
                });
    }

    private static List<String> plans() {
        return Arrays.stream(TenantPlan.values()).map(TenantPlan::apiName).toList();
    }

    private static String field(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.strip();
    }

    private static UUID tenantId(String id) {
        return uuid(id).orElseThrow(() -> ConsoleModel.notFound("No tenant with id " + id + "."));
    }

    private static Optional<UUID> uuid(String id) {
        return CanonicalUuid.parse(id);
    }

    private static String tenantPath(UUID id) {
        return "/console/tenants/" + id;
    }

    /** A redirect carrying a flash message ({@code done} or {@code problem}), encoded as a query parameter. */
    private static Rendering redirect(String path, String kind, String message) {
        return Rendering.redirectTo(ConsoleModel.flash(path, kind, message)).build();
    }
}
