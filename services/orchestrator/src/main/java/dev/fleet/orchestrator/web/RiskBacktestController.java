package dev.fleet.orchestrator.web;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.orchestrator.domain.risk.backtest.BacktestJob;
import dev.fleet.orchestrator.domain.risk.backtest.BacktestReport;
import dev.fleet.orchestrator.domain.risk.backtest.BacktestRequestException;
import dev.fleet.orchestrator.domain.risk.backtest.Backtests;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

import reactor.core.publisher.Mono;

/**
 * Backtests of a tenant's risk rule sets under {@code /admin/tenants/{tenantId}/risk/backtests}
 * (admin token): {@code POST {"from", "to", "candidate_version", "baseline_version"?}} starts one
 * (202 with its URL; the baseline defaults to the version in force), {@code GET …/{id}} shows its
 * progress and, once done, how many decisions the candidate would change; {@code GET} lists the
 * most recent.
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/risk/backtests")
public class RiskBacktestController {

    private static final int RECENT = 20;
    private static final Duration RETRY_AFTER_BUSY = Duration.ofSeconds(30);

    private final Backtests backtests;

    public RiskBacktestController(Backtests backtests) {
        this.backtests = backtests;
    }

    @PostMapping
    public Mono<ResponseEntity<Map<String, Object>>> start(@PathVariable String tenantId,
            @RequestBody(required = false) JsonNode body) {
        UUID tenant = TenantIds.parse(tenantId);
        if (body == null || !body.isObject()) {
            throw new ApiErrorException(ApiError.invalidRequest(
                    "the body must be {\"from\", \"to\", \"candidate_version\"}", null));
        }
        Instant from = instant(body, "from");
        Instant to = instant(body, "to");
        int candidate = version(body, "candidate_version", true);
        Integer baseline = body.hasNonNull("baseline_version") ? version(body, "baseline_version", false) : null;
        return backtests.start(tenant, from, to, candidate, baseline)
                .onErrorMap(BacktestRequestException.class, RiskBacktestController::apiError)
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/admin/tenants/" + tenantId + "/risk/backtests/" + job.id()))
                        .body(json(job)))
                .switchIfEmpty(Mono.error(() -> TenantIds.notFound(tenantId)));
    }

    @GetMapping("/{id}")
    public Mono<Map<String, Object>> find(@PathVariable String tenantId, @PathVariable String id) {
        UUID tenant = TenantIds.parse(tenantId);
        UUID backtest;
        try {
            backtest = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
        return backtests.find(tenant, backtest).map(RiskBacktestController::json)
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    @GetMapping
    public Mono<Map<String, Object>> recent(@PathVariable String tenantId) {
        return backtests.recent(TenantIds.parse(tenantId), RECENT).map(RiskBacktestController::json).collectList()
                .map(jobs -> Map.of("data", jobs));
    }

    private static Instant instant(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new ApiErrorException(ApiError.invalidRequest("'" + field
                    + "' is required: an RFC 3339 time such as 2026-12-01T10:00:00Z", field));
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new ApiErrorException(ApiError.invalidRequest("'" + field + "' is not an RFC 3339 time such as "
                    + "2026-12-01T10:00:00Z: " + value.asText(), field));
        }
    }

    private static int version(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null && !required) {
            return 0;
        }
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw new ApiErrorException(ApiError.invalidRequest("'" + field
                    + "' must be a rule-set version number (0 is the built-in default)", field));
        }
        return value.asInt();
    }

    private static ApiErrorException apiError(BacktestRequestException e) {
        return switch (e.reason()) {
            case INVALID -> new ApiErrorException(ApiError.invalidRequest(e.getMessage(), null));
            case NOT_FOUND -> new ApiErrorException(ApiError.notFound(e.getMessage(), "rule_set_version_not_found"));
            case BUSY -> new ApiErrorException(new ApiError(HttpStatus.TOO_MANY_REQUESTS, e.getMessage(),
                    "requests", null, "backtests_busy"), RETRY_AFTER_BUSY);
        };
    }

    private static ApiErrorException notFound(String id) {
        return new ApiErrorException(ApiError.notFound("no backtest with id " + id, "backtest_not_found"));
    }

    static Map<String, Object> json(BacktestJob job) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", job.id().toString());
        json.put("status", job.status().wire());
        json.put("from", job.from().toString());
        json.put("to", job.to().toString());
        json.put("baseline_version", job.baselineVersion());
        json.put("candidate_version", job.candidateVersion());
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("records_read", job.read());
        progress.put("records_total", job.total());
        progress.put("percent", job.total() == 0 ? (job.status().wire().equals("running") ? 0 : 100)
                : Math.min(100, Math.round(100.0 * job.read() / job.total())));
        json.put("progress", progress);
        json.put("report", job.report() == null ? null : json(job.report()));
        json.put("error", job.error());
        json.put("created_at", job.createdAt().toString());
        json.put("updated_at", job.updatedAt().toString());
        return json;
    }

    private static Map<String, Object> json(BacktestReport report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("decided", report.decided());
        json.put("changed", report.changed());
        json.put("baseline", report.baseline());
        json.put("candidate", report.candidate());
        json.put("transitions", report.transitions());
        List<Map<String, Object>> examples = report.examples().stream().map(change -> {
            Map<String, Object> example = new LinkedHashMap<>();
            example.put("transaction_id", change.transactionId());
            example.put("account_id", change.accountId());
            example.put("baseline", Map.of("decision", change.baselineDecision(), "score", change.baselineScore()));
            example.put("candidate", Map.of("decision", change.candidateDecision(), "score", change.candidateScore()));
            return example;
        }).toList();
        json.put("examples", examples);
        json.put("skipped", Map.of("invalid", report.invalid(), "duplicates", report.duplicates(),
                "undecodable", report.undecodable()));
        json.put("accounts", report.accounts());
        return json;
    }
}
