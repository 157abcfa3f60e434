package dev.fleet.gateway.domain;

import java.util.List;

/** Who is calling: the tenant and key an authenticated request was made with. */
public record Caller(String tenantId, String keyId, List<String> scopes) {

    public Caller {
        scopes = List.copyOf(scopes);
    }
}
