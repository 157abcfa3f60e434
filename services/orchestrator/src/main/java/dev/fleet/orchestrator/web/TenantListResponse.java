package dev.fleet.orchestrator.web;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.orchestrator.domain.TenantPage;

/** A page of {@code GET /admin/tenants}; {@code next_cursor} is null on the last page. */
public record TenantListResponse(List<TenantResponse> tenants, @JsonProperty("next_cursor") String nextCursor) {

    static TenantListResponse of(TenantPage page) {
        return new TenantListResponse(page.tenants().stream().map(TenantResponse::of).toList(),
                page.next() == null ? null : page.next().token());
    }
}
