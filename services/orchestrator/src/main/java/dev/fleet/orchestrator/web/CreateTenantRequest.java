package dev.fleet.orchestrator.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /admin/tenants}; {@code limits} overrides the plan's. */
public record CreateTenantRequest(
        @NotBlank @Size(max = 200) String name,
        @NotBlank String plan,
        @Valid LimitsBody limits) {
}
