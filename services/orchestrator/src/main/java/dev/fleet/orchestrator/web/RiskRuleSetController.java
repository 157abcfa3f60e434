package dev.fleet.orchestrator.web;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.domain.risk.RuleSetAdmin;
import dev.fleet.orchestrator.domain.risk.RuleSetChangeException;
import dev.fleet.orchestrator.domain.risk.RuleSetOverview;
import dev.fleet.platform.risk.InvalidRuleSetException;
import dev.fleet.platform.risk.RuleSetProblem;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import reactor.core.publisher.Mono;

/**
 * A tenant's risk rule sets under {@code /admin/tenants/{tenantId}/risk/rule-sets} (admin token):
 * {@code POST} {@code {"rules": [{"id", "condition", "score", "reason"}], "review_at", "decline_at"}}
 * creates the next version (201; a rule set that does not compile is refused with 400 and every
 * problem with its rule, field and position, and nothing is stored); {@code GET} lists the versions
 * (the built-in default, version 0, first) with the active and shadow ones;
 * {@code POST …/{version}/activate}, {@code POST …/{version}/shadow} and {@code DELETE …/shadow} move
 * them. Every change answers once {@code fleet.risk.rule-sets.v1} acknowledged the tenant's new
 * state (503 with {@code Retry-After} otherwise, and nothing changed).
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/risk/rule-sets")
public class RiskRuleSetController {

    private final RuleSetAdmin admin;

    public RiskRuleSetController(RuleSetAdmin admin) {
        this.admin = admin;
    }

    @PostMapping
    public Mono<ResponseEntity<Map<String, Object>>> create(@PathVariable String tenantId,
            @RequestBody(required = false) JsonNode body) {
        UUID tenant = TenantIds.parse(tenantId);
        List<RiskRule> rules = rules(body);
        double reviewAt = number(body, "review_at");
        double declineAt = number(body, "decline_at");
        return admin.create(tenant, rules, reviewAt, declineAt)
                .map(version -> ResponseEntity
                        .created(URI.create("/admin/tenants/" + tenantId + "/risk/rule-sets/" + version.getVersion()))
                        .body(json(version)))
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @GetMapping
    public Mono<Map<String, Object>> list(@PathVariable String tenantId) {
        return admin.overview(TenantIds.parse(tenantId)).map(RiskRuleSetController::json)
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @PostMapping("/{version}/activate")
    public Mono<Map<String, Object>> activate(@PathVariable String tenantId, @PathVariable String version) {
        return admin.activate(TenantIds.parse(tenantId), version(tenantId, version)).map(RiskRuleSetController::json)
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @PostMapping("/{version}/shadow")
    public Mono<Map<String, Object>> shadow(@PathVariable String tenantId, @PathVariable String version) {
        return admin.shadow(TenantIds.parse(tenantId), version(tenantId, version)).map(RiskRuleSetController::json)
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @DeleteMapping("/shadow")
    public Mono<Map<String, Object>> clearShadow(@PathVariable String tenantId) {
        return admin.clearShadow(TenantIds.parse(tenantId)).map(RiskRuleSetController::json)
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @ExceptionHandler(InvalidRuleSetException.class)
    ResponseEntity<Map<String, Object>> invalid(InvalidRuleSetException e) {
        List<Map<String, Object>> problems = e.problems().stream().map(RiskRuleSetController::json).toList();
        Map<String, Object> error = new LinkedHashMap<>(ApiError.invalidRequest("the rule set does not compile ("
                + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "): " + e.getMessage(),
                "rules").body());
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = new LinkedHashMap<>((Map<String, Object>) error.get("error"));
        inner.put("code", "invalid_rule_set");
        inner.put("problems", problems);
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", inner));
    }

    @ExceptionHandler(RuleSetChangeException.class)
    ResponseEntity<Map<String, Object>> refused(RuleSetChangeException e) {
        return ApiErrorHandler.respond(switch (e.kind()) {
            case UNKNOWN_VERSION -> ApiError.notFound(e.getMessage(), "rule_set_version_not_found");
            case NO_SHADOW -> ApiError.notFound(e.getMessage(), "no_shadow_rule_set");
            case CONFLICT -> new ApiError(HttpStatus.CONFLICT, e.getMessage(), "invalid_request_error", null,
                    "rule_set_conflict");
        });
    }

    @ExceptionHandler(ChangeNotDeliveredException.class)
    ResponseEntity<Map<String, Object>> notDelivered(ChangeNotDeliveredException e) {
        return ApiErrorHandler.respond(new ApiErrorException(ApiError.unavailable(
                "The event bus did not acknowledge the change in time; nothing was changed. Retry shortly.",
                "event_bus_unavailable"), Duration.ofSeconds(1)));
    }

    private static int version(String tenantId, String version) {
        try {
            return Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new ApiErrorException(ApiError.notFound("tenant " + tenantId + " has no rule-set version " + version,
                    "rule_set_version_not_found"));
        }
    }

    /** The request's rules; a malformed one (not the rule language's problems: those are compile's) is a 400. */
    static List<RiskRule> rules(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("the body must be {\"rules\": [{\"id\", \"condition\", \"score\", \"reason\"}], "
                    + "\"review_at\", \"decline_at\"}", "body");
        }
        JsonNode rules = body.get("rules");
        if (rules == null || !rules.isArray()) {
            throw invalid("rules must be an array of {\"id\", \"condition\", \"score\", \"reason\"}", "rules");
        }
        List<RiskRule> parsed = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            if (!rule.isObject()) {
                throw invalid("rules[" + i + "] must be an object {\"id\", \"condition\", \"score\", \"reason\"}",
                        "rules");
            }
            parsed.add(new RiskRule(text(rule, "id", i), text(rule, "condition", i), number(rule, "score", i),
                    text(rule, "reason", i)));
        }
        return parsed;
    }

    private static String text(JsonNode rule, String field, int index) {
        JsonNode value = rule.get(field);
        if (value == null || !value.isTextual()) {
            throw invalid("rules[" + index + "]." + field + " is required (a string)", field);
        }
        return value.textValue();
    }

    private static double number(JsonNode rule, String field, int index) {
        JsonNode value = rule.get(field);
        if (value == null || !value.isNumber()) {
            throw invalid("rules[" + index + "]." + field + " is required (a number)", field);
        }
        return value.doubleValue();
    }

    private static double number(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isNumber()) {
            throw invalid(field + " is required (a number: the score at which a transaction is "
                    + (field.equals("review_at") ? "reviewed" : "declined") + ")", field);
        }
        return value.doubleValue();
    }

    private static ApiErrorException invalid(String message, String param) {
        return new ApiErrorException(ApiError.invalidRequest(message, param));
    }

    static Map<String, Object> json(RuleSetOverview overview) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", overview.pointers().active());
        body.put("shadow", overview.pointers().shadow());
        body.put("versions", overview.versions().stream().map(version -> {
            Map<String, Object> entry = json(version);
            entry.put("active", version.getVersion() == overview.pointers().active());
            entry.put("shadow", overview.pointers().shadow() != null
                    && version.getVersion() == overview.pointers().shadow());
            return entry;
        }).toList());
        return body;
    }

    static Map<String, Object> json(RiskRuleSetVersion version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version.getVersion());
        body.put("rules", version.getRules().stream().map(rule -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", rule.getId());
            entry.put("condition", rule.getCondition());
            entry.put("score", rule.getScore());
            entry.put("reason", rule.getReason());
            return entry;
        }).toList());
        body.put("review_at", version.getReviewAt());
        body.put("decline_at", version.getDeclineAt());
        body.put("created_at", version.getCreatedAt().toString());
        return body;
    }

    private static Map<String, Object> json(RuleSetProblem problem) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("rule", problem.rule());
        entry.put("field", problem.field());
        entry.put("position", problem.position());
        entry.put("message", problem.message());
        return entry;
    }
}
