package dev.fleet.scorer.domain.profile;

import java.util.Objects;

import dev.fleet.events.v1.InteractionKind;

/**
 * One retained interaction of a user's profile: which item, how much it counts before decay, when it
 * happened (epoch millis) and the {@code event-id} it arrived with (for deduplication).
 */
public record ProfileInteraction(String itemId, InteractionKind kind, double weight, long occurredAtMillis,
        String eventId) {

    public ProfileInteraction {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(kind, "kind");
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("an interaction's weight must be positive and finite, was " + weight);
        }
    }

    /** True if {@code other} reports the same thing (same item, kind and time): a duplicate, however it was sent. */
    boolean sameAs(ProfileInteraction other) {
        return itemId.equals(other.itemId) && kind == other.kind && occurredAtMillis == other.occurredAtMillis;
    }
}
