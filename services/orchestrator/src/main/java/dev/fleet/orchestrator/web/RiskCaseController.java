package dev.fleet.orchestrator.web;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.orchestrator.domain.TenantStore;
import dev.fleet.orchestrator.domain.risk.CaseConflictException;
import dev.fleet.orchestrator.domain.risk.CaseQuery;
import dev.fleet.orchestrator.domain.risk.CaseStatus;
import dev.fleet.orchestrator.domain.risk.RiskCases;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.platform.web.ApiErrorHandler;

import reactor.core.publisher.Mono;

/**
 * A tenant's risk review cases under {@code /admin/tenants/{tenantId}/risk/cases} (admin token):
 * {@code GET} lists them ({@code status=open,escalated} by default, or any of open, escalated,
 * decided; {@code min_score}; {@code min_age} as an ISO-8601 duration such as {@code PT1H};
 * {@code sort=age} oldest first or {@code score} highest first; {@code limit} 1-100, {@code offset});
 * {@code GET …/{caseId}} shows one with its decision's reasons and features and its reviews;
 * {@code POST …/{caseId}/decision} {@code {"resolution": "approve"|"decline", "reviewer", "reason"}}
 * reviews it (200 with the case: decided, or still open awaiting a second approval above the
 * four-eyes amount; 409 when it is decided or the reviewer already reviewed it).
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/risk/cases")
public class RiskCaseController {

    private static final int MAX_LIMIT = 100;
    private static final int MAX_TEXT = 1000;

    private final RiskCases cases;
    private final TenantStore tenants;

    public RiskCaseController(RiskCases cases, TenantStore tenants) {
        this.cases = cases;
        this.tenants = tenants;
    }

    @GetMapping
    public Mono<Map<String, Object>> list(@PathVariable String tenantId,
            @RequestParam(defaultValue = "open,escalated") String status,
            @RequestParam(name = "min_score", required = false) String minScore,
            @RequestParam(name = "min_age", required = false) String minAge,
            @RequestParam(defaultValue = "age") String sort,
            @RequestParam(defaultValue = "50") String limit,
            @RequestParam(defaultValue = "0") String offset) {
        UUID tenant = TenantIds.parse(tenantId);
        int pageSize = integer(limit, "limit", 1, MAX_LIMIT);
        int skipped = integer(offset, "offset", 0, Integer.MAX_VALUE);
        // one more than the page, to tell whether there is a next page
        CaseQuery query = new CaseQuery(statuses(status), minScore == null ? null : score(minScore),
                minAge == null ? null : age(minAge), sort(sort), pageSize + 1, skipped);
        return tenants.findTenant(tenant)
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)))
                .flatMap(found -> cases.list(tenant, query).map(c -> RiskCaseJson.summary(c)).collectList())
                .map(data -> {
                    Map<String, Object> page = new LinkedHashMap<>();
                    page.put("object", "list");
                    page.put("data", data.subList(0, Math.min(pageSize, data.size())));
                    page.put("limit", pageSize);
                    page.put("offset", skipped);
                    page.put("has_more", data.size() > pageSize);
                    return page;
                });
    }

    @GetMapping("/{caseId}")
    public Mono<Map<String, Object>> riskCase(@PathVariable String tenantId, @PathVariable String caseId) {
        return cases.find(TenantIds.parse(tenantId), caseId(tenantId, caseId)).map(c -> RiskCaseJson.detail(c))
                .switchIfEmpty(Mono.error(() -> caseNotFound(tenantId, caseId)));
    }

    @PostMapping("/{caseId}/decision")
    public Mono<Map<String, Object>> decide(@PathVariable String tenantId, @PathVariable String caseId,
            @RequestBody(required = false) JsonNode body) {
        UUID tenant = TenantIds.parse(tenantId);
        UUID id = caseId(tenantId, caseId);
        if (body == null || !body.isObject()) {
            throw invalid("the body must be {\"resolution\": \"approve\" or \"decline\", \"reviewer\", \"reason\"}",
                    "body");
        }
        RiskCaseResolution resolution = resolution(text(body, "resolution"));
        String reviewer = text(body, "reviewer").trim();
        String reason = text(body, "reason").trim();
        return cases.review(tenant, id, resolution, reviewer, reason).map(c -> RiskCaseJson.detail(c))
                .switchIfEmpty(Mono.error(() -> caseNotFound(tenantId, caseId)));
    }

    @ExceptionHandler(CaseConflictException.class)
    ResponseEntity<Map<String, Object>> conflict(CaseConflictException e) {
        return ApiErrorHandler.respond(new ApiError(HttpStatus.CONFLICT, e.getMessage(), "invalid_request_error", null,
                e.code()));
    }

    private static Set<CaseStatus> statuses(String text) {
        Set<CaseStatus> statuses = EnumSet.noneOf(CaseStatus.class);
        for (String label : text.split(",")) {
            statuses.add(CaseStatus.parse(label.trim()).orElseThrow(() -> invalid(
                    "status must be a comma-separated list of open, escalated, decided", "status")));
        }
        return statuses;
    }

    private static double score(String text) {
        try {
            double score = Double.parseDouble(text);
            if (Double.isFinite(score)) {
                return score;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("min_score must be a number", "min_score");
    }

    private static Duration age(String text) {
        try {
            Duration age = Duration.parse(text);
            if (!age.isNegative()) {
                return age;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw invalid("min_age must be an ISO-8601 duration such as PT30M or PT4H", "min_age");
    }

    private static CaseQuery.Sort sort(String text) {
        return switch (text) {
            case "age" -> CaseQuery.Sort.AGE;
            case "score" -> CaseQuery.Sort.SCORE;
            default -> throw invalid("sort must be age (oldest first) or score (highest first)", "sort");
        };
    }

    private static int integer(String text, String name, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid(name + " must be an integer from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max),
                name);
    }

    private static RiskCaseResolution resolution(String text) {
        return switch (text) {
            case "approve" -> RiskCaseResolution.APPROVED;
            case "decline" -> RiskCaseResolution.DECLINED;
            default -> throw invalid("resolution must be approve or decline", "resolution");
        };
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw invalid(field + " is required (a non-blank string)", field);
        }
        if (value.textValue().length() > MAX_TEXT) {
            throw invalid(field + " is longer than " + MAX_TEXT + " characters", field);
        }
        return value.textValue();
    }

    private static UUID caseId(String tenantId, String caseId) {
        return CanonicalUuid.parse(caseId).orElseThrow(() -> caseNotFound(tenantId, caseId));
    }

    private static ApiErrorException caseNotFound(String tenantId, String caseId) {
        return new ApiErrorException(ApiError.notFound("tenant " + tenantId + " has no risk case " + caseId,
                "risk_case_not_found"));
    }

    private static ApiErrorException invalid(String message, String param) {
        return new ApiErrorException(ApiError.invalidRequest(message, param));
    }
}
