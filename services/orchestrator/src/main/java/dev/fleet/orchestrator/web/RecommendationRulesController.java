package dev.fleet.orchestrator.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesAdmin;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesOverview;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesVersion;
import dev.fleet.orchestrator.domain.recommendations.UnknownRulesVersionException;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import reactor.core.publisher.Mono;

/**
 * A collection's recommendation rules under
 * {@code /admin/tenants/{tenantId}/collections/{collection}/recommendation-rules} (admin token, decision 0049):
 * {@code PUT} {@code {"rules": [{"when": {"team": "billing"}, "factor": 1.2}], "pinned": ["item-7"]}} stores the
 * next version and activates it ({@link RecommendationRulesRequest}: a malformed or out-of-bounds request is a
 * 400 naming the field and nothing is stored). {@code GET} shows the
 * active version (version 0: no rules), {@code GET …/versions} every version with the active one, and
 * {@code POST …/versions/{version}/activate} rolls back to an earlier version (0: no rules). Every change answers
 * once {@code fleet.recommendation.rules.v1} acknowledged the collection's new rules (503 with
 * {@code Retry-After} otherwise, and nothing changed).
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/collections/{collection}/recommendation-rules")
public class RecommendationRulesController {

    /** Longest collection name. */
    static final int MAX_COLLECTION = 200;

    private final RecommendationRulesAdmin admin;

    public RecommendationRulesController(RecommendationRulesAdmin admin) {
        this.admin = admin;
    }

    @PutMapping
    public Mono<Map<String, Object>> put(@PathVariable String tenantId, @PathVariable String collection,
            @RequestBody(required = false) JsonNode body) {
        UUID tenant = TenantIds.parse(tenantId);
        String name = collection(collection);
        RecommendationRulesRequest request = RecommendationRulesRequest.parse(body);
        return admin.create(tenant, name, request.rules(), request.pinned()).map(version -> json(version, true))
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @GetMapping
    public Mono<Map<String, Object>> current(@PathVariable String tenantId, @PathVariable String collection) {
        return admin.current(TenantIds.parse(tenantId), collection(collection)).map(version -> json(version, true))
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @GetMapping("/versions")
    public Mono<Map<String, Object>> versions(@PathVariable String tenantId, @PathVariable String collection) {
        return admin.overview(TenantIds.parse(tenantId), collection(collection))
                .map(RecommendationRulesController::json)
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @PostMapping("/versions/{version}/activate")
    public Mono<Map<String, Object>> activate(@PathVariable String tenantId, @PathVariable String collection,
            @PathVariable String version) {
        return admin.activate(TenantIds.parse(tenantId), collection(collection), version(collection, version))
                .map(activated -> json(activated, true))
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @ExceptionHandler(UnknownRulesVersionException.class)
    ResponseEntity<Map<String, Object>> unknownVersion(UnknownRulesVersionException e) {
        return ApiErrorHandler.respond(ApiError.notFound(e.getMessage(), "recommendation_rules_version_not_found"));
    }

    @ExceptionHandler(ChangeNotDeliveredException.class)
    ResponseEntity<Map<String, Object>> notDelivered(ChangeNotDeliveredException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable(
                "The event bus did not acknowledge the change in time; nothing was changed. Retry shortly.",
                "event_bus_unavailable"), Duration.ofSeconds(1)));
    }

    private static String collection(String collection) {
        if (collection.isBlank() || collection.contains("/") || collection.length() > MAX_COLLECTION) {
            throw invalid("the collection name must be 1 to " + MAX_COLLECTION + " characters without '/'",
                    "collection");
        }
        return collection;
    }

    private static int version(String collection, String version) {
        try {
            return Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new ApiErrorException(ApiError.notFound("collection '" + collection
                    + "' has no recommendation-rules version " + version, "recommendation_rules_version_not_found"));
        }
    }

    private static ApiErrorException invalid(String message, String param) {
        return new ApiErrorException(ApiError.invalidRequest(message, param));
    }

    static Map<String, Object> json(RecommendationRulesOverview overview) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", overview.active());
        body.put("versions", overview.versions().stream()
                .map(version -> json(version, version.version() == overview.active())).toList());
        return body;
    }

    static Map<String, Object> json(RecommendationRulesVersion version, boolean active) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version.version());
        body.put("active", active);
        body.put("rules", version.rules().stream().map(rule -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("when", rule.getWhen());
            entry.put("factor", rule.getFactor());
            return entry;
        }).toList());
        body.put("pinned", version.pinned());
        body.put("created_at", version.createdAt() == null ? null : version.createdAt().toString());
        body.put("created_by", version.createdBy());
        return body;
    }
}
