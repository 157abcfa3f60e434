package dev.fleet.orchestrator.domain.webhooks;

import java.util.Locale;
import java.util.Optional;

/** Where a webhook delivery stands: waiting for (another) attempt, answered with a 2xx, or given up. */
public enum DeliveryState {
    PENDING, DELIVERED, DEAD;

    /** The lower-case name used in the database and the admin API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeliveryState> parse(String label) {
        for (DeliveryState state : values()) {
            if (state.label().equals(label)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
