package dev.fleet.orchestrator.domain.risk;

import java.time.Instant;

import dev.fleet.events.v1.RiskCaseResolution;

/** One reviewer's word on a case. */
public record CaseReview(String reviewer, RiskCaseResolution resolution, String reason, Instant reviewedAt) {
}
