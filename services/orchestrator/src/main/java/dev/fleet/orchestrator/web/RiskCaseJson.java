package dev.fleet.orchestrator.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.orchestrator.domain.risk.RiskCase;

/**
 * A risk case as the admin API shows it: snake_case fields, amounts as plain decimal strings, the
 * decision's reasons; in detail also its features (under their schema names, as rules name them)
 * and its reviews in order.
 */
final class RiskCaseJson {

    private RiskCaseJson() {
    }

    /** The case without its features and reviews, for lists. */
    static Map<String, Object> summary(RiskCase c) {
        return json(c, false);
    }

    /** The case with its decision's features and its reviews. */
    static Map<String, Object> detail(RiskCase c) {
        return json(c, true);
    }

    private static Map<String, Object> json(RiskCase c, boolean detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", c.id().toString());
        body.put("transaction_id", c.transactionId());
        body.put("account_id", c.accountId());
        body.put("amount", c.amount().toPlainString());
        body.put("currency", c.currency());
        body.put("score", c.score());
        body.put("rule_set_version", c.ruleSetVersion());
        body.put("status", c.status().label());
        body.put("resolution", c.resolution() == null ? null : label(c.resolution()));
        body.put("opened_at", c.openedAt().toString());
        body.put("due_at", c.dueAt().toString());
        body.put("escalated_at", c.escalatedAt() == null ? null : c.escalatedAt().toString());
        body.put("decided_at", c.decidedAt() == null ? null : c.decidedAt().toString());
        body.put("reasons", c.decision().getReasons().stream().map(reason -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("rule", reason.getRule());
            entry.put("reason", reason.getReason());
            entry.put("score", reason.getScore());
            return entry;
        }).toList());
        if (detail) {
            body.put("features", features(c.decision().getFeatures()));
            body.put("reviews", c.reviews().stream().map(review -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("reviewer", review.reviewer());
                entry.put("resolution", label(review.resolution()));
                entry.put("reason", review.reason());
                entry.put("reviewed_at", review.reviewedAt().toString());
                return entry;
            }).toList());
        }
        return body;
    }

    /** The features under their schema names, as the rules name them. */
    private static Map<String, Object> features(RiskFeatures features) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (var field : features.getSchema().getFields()) {
            values.put(field.name(), features.get(field.pos()));
        }
        return values;
    }

    private static String label(RiskCaseResolution resolution) {
        return resolution.name().toLowerCase(Locale.ROOT);
    }
}
