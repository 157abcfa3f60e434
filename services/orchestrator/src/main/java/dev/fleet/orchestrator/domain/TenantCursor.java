package dev.fleet.orchestrator.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a page of the tenant list ends: the creation time and id of its last tenant (newest first,
 * ties broken by id), so the next page starts after it however many tenants were created meanwhile
 * (decision 0042). Given to clients as an opaque URL-safe token.
 */
public record TenantCursor(Instant createdAt, UUID id) {

    public TenantCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    /** The cursor after {@code tenant}. */
    public static TenantCursor after(Tenant tenant) {
        return new TenantCursor(tenant.createdAt(), tenant.id());
    }

    public String token() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAt + "_" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a {@link #token()} stands for; empty for anything that is not one. */
    public static Optional<TenantCursor> parse(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
            int separator = decoded.indexOf('_');
            if (separator < 0) {
                return Optional.empty();
            }
            return Optional.of(new TenantCursor(Instant.parse(decoded.substring(0, separator)),
                    UUID.fromString(decoded.substring(separator + 1))));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
