package dev.fleet.orchestrator.web;

/** Body of {@code PUT /admin/tenants/{id}/plan}: {@code free}, {@code pro} or {@code enterprise}. */
public record ChangePlanRequest(String plan) {
}
