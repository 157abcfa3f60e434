package dev.fleet.orchestrator.domain.recommendations;

import java.time.Instant;
import java.util.List;

import dev.fleet.events.v1.RecommendationRule;

/** One immutable version of a collection's recommendation rules; version 0 (no rules) is never stored. */
public record RecommendationRulesVersion(int version, List<RecommendationRule> rules, List<String> pinned,
        Instant createdAt, String createdBy) {

    /** Version 0: no rules, nothing pinned. */
    public static final RecommendationRulesVersion NONE = new RecommendationRulesVersion(0, List.of(), List.of(),
            null, null);

    public RecommendationRulesVersion {
        rules = List.copyOf(rules);
        pinned = List.copyOf(pinned);
    }
}
