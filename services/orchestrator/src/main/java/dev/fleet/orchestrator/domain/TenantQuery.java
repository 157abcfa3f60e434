package dev.fleet.orchestrator.domain;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What to list of the tenants: those whose name contains {@code text} (ignoring case) or whose id is
 * {@code text} (when it is a UUID), all when {@code text} is blank; {@code limit} of them after
 * {@code after} (null: from the newest).
 */
public record TenantQuery(String text, TenantCursor after, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public TenantQuery {
        text = text == null ? "" : text.trim();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    /** The text lower-cased, for a case-insensitive match of names. */
    public String nameContains() {
        return text.toLowerCase(Locale.ROOT);
    }

    /** The id the text names, if it is a UUID. */
    public Optional<UUID> id() {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
