package dev.fleet.orchestrator.web;

import jakarta.validation.Valid;

/** Body of {@code POST /admin/tenants/{id}/keys}, optional: limits of the key on its own. */
public record IssueKeyRequest(@Valid LimitsBody limits) {
}
