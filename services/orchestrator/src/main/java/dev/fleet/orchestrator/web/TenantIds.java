package dev.fleet.orchestrator.web;

import java.util.UUID;

import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

/** Tenant ids in admin paths: UUIDs in canonical form; anything else names no tenant (404, like an unknown UUID). */
final class TenantIds {

    private TenantIds() {
    }

    static UUID parse(String id) {
        return CanonicalUuid.parse(id).orElseThrow(() -> notFound(id));
    }

    static ApiErrorException notFound(String id) {
        return new ApiErrorException(ApiError.notFound("no tenant with id " + id, "tenant_not_found"));
    }
}
