package dev.fleet.orchestrator.domain;

import java.util.Optional;
import java.util.UUID;

/**
 * Ids the fleet writes are UUIDs in canonical form (tenants, keys, cases, …): one parse for every place that
 * takes one from outside — a path, a form, a record.
 */
public final class CanonicalUuid {

    private CanonicalUuid() {
    }

    /** The UUID {@code text} is in canonical form (any case); empty for anything else, null included. */
    public static Optional<UUID> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            UUID parsed = UUID.fromString(text);
            return parsed.toString().equalsIgnoreCase(text) ? Optional.of(parsed) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
