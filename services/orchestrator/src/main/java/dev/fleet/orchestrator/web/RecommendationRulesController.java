package dev.fleet.orchestrator.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

import dev.fleet.events.v1.RecommendationRule;
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
 * next version and activates it ({@code when} values: a string, or a list of strings for an {@code in}); a
 * malformed or out-of-bounds request is a 400 naming the field and nothing is stored. {@code GET} shows the
 * active version (version 0: no rules), {@code GET …/versions} every version with the active one, and
 * {@code POST …/versions/{version}/activate} rolls back to an earlier version (0: no rules). Every change answers
 * once {@code fleet.recommendation.rules.v1} acknowledged the collection's new rules (503 with
 * {@code Retry-After} otherwise, and nothing changed).
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/collections/{collection}/recommendation-rules")
public class RecommendationRulesController {

    /** Most boost and bury rules in a version. */
    static final int MAX_RULES = 100;
    /** Most metadata keys in one rule's {@code when}. */
    static final int MAX_CONDITIONS = 10;
    /** Most values of one key of a {@code when} (an {@code in} list). */
    static final int MAX_VALUES = 100;
    /** Most pinned items. */
    static final int MAX_PINNED = 100;
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
        if (body == null || !body.isObject()) {
            throw invalid("the body must be {\"rules\": [{\"when\": {\"key\": \"value\"}, \"factor\": 1.2}], "
                    + "\"pinned\": [\"item id\"]}", "body");
        }
        List<RecommendationRule> rules = rules(body.get("rules"));
        List<String> pinned = pinned(body.get("pinned"));
        return admin.create(tenant, name, rules, pinned).map(version -> json(version, true))
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

    /** The boost and bury rules of a request (absent: none); anything malformed or out of bounds is a 400. */
    static List<RecommendationRule> rules(JsonNode rules) {
        if (rules == null || rules.isNull()) {
            return List.of();
        }
        if (!rules.isArray()) {
            throw invalid("rules must be an array of {\"when\": {\"key\": \"value\"}, \"factor\": number}", "rules");
        }
        if (rules.size() > MAX_RULES) {
            throw invalid("rules may hold at most " + MAX_RULES + " rules, not " + rules.size(), "rules");
        }
        List<RecommendationRule> parsed = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String at = "rules[" + i + "]";
            if (!rule.isObject()) {
                throw invalid(at + " must be an object {\"when\": {\"key\": \"value\"}, \"factor\": number}", at);
            }
            parsed.add(new RecommendationRule(when(rule.get("when"), at + ".when"), factor(rule.get("factor"),
                    at + ".factor")));
        }
        return parsed;
    }

    private static Map<String, List<String>> when(JsonNode when, String field) {
        if (when == null || !when.isObject() || when.isEmpty()) {
            throw invalid(field + " must be a non-empty object of metadata key to a value or a list of values", field);
        }
        if (when.size() > MAX_CONDITIONS) {
            throw invalid(field + " may hold at most " + MAX_CONDITIONS + " keys, not " + when.size(), field);
        }
        Map<String, List<String>> conditions = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = when.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> condition = it.next();
            String at = field + "." + condition.getKey();
            JsonNode value = condition.getValue();
            List<String> values = new ArrayList<>();
            if (value.isTextual()) {
                values.add(value.textValue());
            } else if (value.isArray() && !value.isEmpty() && value.size() <= MAX_VALUES) {
                for (JsonNode one : value) {
                    if (!one.isTextual()) {
                        throw invalid(at + " must hold strings only", at);
                    }
                    values.add(one.textValue());
                }
            } else {
                throw invalid(at + " must be a string or a list of 1 to " + MAX_VALUES + " strings", at);
            }
            conditions.put(condition.getKey(), List.copyOf(values));
        }
        return conditions;
    }

    private static double factor(JsonNode factor, String field) {
        if (factor == null || !factor.isNumber() || !(factor.doubleValue() > 0)
                || !Double.isFinite(factor.doubleValue())) {
            throw invalid(field + " must be a number above 0 (above 1 boosts, below 1 buries)", field);
        }
        return factor.doubleValue();
    }

    /** The pinned item ids of a request (absent: none), distinct and non-blank. */
    static List<String> pinned(JsonNode pinned) {
        if (pinned == null || pinned.isNull()) {
            return List.of();
        }
        if (!pinned.isArray()) {
            throw invalid("pinned must be an array of item ids", "pinned");
        }
        if (pinned.size() > MAX_PINNED) {
            throw invalid("pinned may hold at most " + MAX_PINNED + " items, not " + pinned.size(), "pinned");
        }
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < pinned.size(); i++) {
            JsonNode id = pinned.get(i);
            String at = "pinned[" + i + "]";
            if (!id.isTextual() || id.textValue().isBlank()) {
                throw invalid(at + " must be a non-blank item id", at);
            }
            if (!seen.add(id.textValue())) {
                throw invalid(at + " repeats item " + id.textValue(), at);
            }
            ids.add(id.textValue());
        }
        return ids;
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
