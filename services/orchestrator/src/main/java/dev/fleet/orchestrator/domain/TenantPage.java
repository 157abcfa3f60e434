package dev.fleet.orchestrator.domain;

import java.util.List;

/** One page of the tenant list, newest first, and where the next begins ({@code null}: this is the last). */
public record TenantPage(List<Tenant> tenants, TenantCursor next) {

    public TenantPage {
        tenants = List.copyOf(tenants);
    }
}
