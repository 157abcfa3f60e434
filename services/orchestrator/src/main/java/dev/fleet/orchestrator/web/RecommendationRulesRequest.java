package dev.fleet.orchestrator.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.RecommendationRule;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

/**
 * The body of a {@code PUT …/recommendation-rules}: {@code {"rules": [{"when": {"team": "billing"}, "factor": 1.2}],
 * "pinned": ["item-7"]}}, both optional. A {@code when} maps metadata keys to a string (equality) or a list of
 * strings (an {@code in}); a factor is a number above 0. Anything malformed or out of bounds is an
 * {@link ApiErrorException} (400) whose {@code param} names the field, e.g. {@code rules[1].factor}.
 */
record RecommendationRulesRequest(List<RecommendationRule> rules, List<String> pinned) {

    /** Most boost and bury rules in a version. */
    static final int MAX_RULES = 100;
    /** Most metadata keys in one rule's {@code when}. */
    static final int MAX_CONDITIONS = 10;
    /** Most values of one key of a {@code when} (an {@code in} list). */
    static final int MAX_VALUES = 100;
    /** Most pinned items. */
    static final int MAX_PINNED = 100;
    static RecommendationRulesRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("the body must be {\"rules\": [{\"when\": {\"key\": \"value\"}, \"factor\": 1.2}], "
                    + "\"pinned\": [\"item id\"]}", "body");
        }
        return new RecommendationRulesRequest(rules(body.get("rules")), pinned(body.get("pinned")));
    }

    /** The boost and bury rules of a request (absent: none); anything malformed or out of bounds is a 400. */
    private static List<RecommendationRule> rules(JsonNode rules) {
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
    private static List<String> pinned(JsonNode pinned) {
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
}
