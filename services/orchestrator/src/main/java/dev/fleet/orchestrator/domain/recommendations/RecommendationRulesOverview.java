package dev.fleet.orchestrator.domain.recommendations;

import java.util.List;

/** A collection's stored versions, in version order, and the active one (0: no rules). */
public record RecommendationRulesOverview(int active, List<RecommendationRulesVersion> versions) {
}
