package dev.fleet.scorer.domain.profile;

import dev.fleet.events.v1.InteractionKind;

/**
 * How much an interaction counts in a user's profile when its event does not say: stronger signals of
 * intent weigh more (a purchase five times a view). Documented in the {@code InteractionKind} schema.
 */
public final class InteractionWeights {

    private InteractionWeights() {
    }

    /** {@code weight} if given, else the default weight of {@code kind}. */
    public static double of(InteractionKind kind, Double weight) {
        if (weight != null) {
            return weight;
        }
        return switch (kind) {
            case VIEW -> 1;
            case CLICK -> 2;
            case LIKE -> 3;
            case ADD_TO_CART -> 4;
            case PURCHASE -> 5;
        };
    }
}
