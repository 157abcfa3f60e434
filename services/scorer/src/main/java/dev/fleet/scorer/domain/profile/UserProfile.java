package dev.fleet.scorer.domain.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The most recent interactions of one user with one collection, at most {@code capacity}, oldest first by
 * {@code occurredAt} (a late event lands in its place; beyond capacity the oldest goes). A record seen again
 * (same {@code event-id}) or a duplicate interaction (same item, kind and time) changes nothing.
 * Not thread-safe: {@link UserProfiles} guards it.
 */
final class UserProfile {

    private final int capacity;
    private final List<ProfileInteraction> interactions = new ArrayList<>();

    UserProfile(int capacity) {
        this.capacity = capacity;
    }

    /** Adds {@code interaction}; returns false for a duplicate or one older than every retained one when full. */
    boolean add(ProfileInteraction interaction) {
        for (ProfileInteraction retained : interactions) {
            if (retained.sameAs(interaction)
                    || (interaction.eventId() != null && interaction.eventId().equals(retained.eventId()))) {
                return false;
            }
        }
        int at = interactions.size();
        while (at > 0 && interactions.get(at - 1).occurredAtMillis() > interaction.occurredAtMillis()) {
            at--;
        }
        if (interactions.size() == capacity) {
            if (at == 0) {
                return false;
            }
            interactions.remove(0);
            at--;
        }
        interactions.add(at, interaction);
        return true;
    }

    List<ProfileInteraction> interactions() {
        return List.copyOf(interactions);
    }

    Set<String> itemIds() {
        return interactions.stream().map(ProfileInteraction::itemId).collect(Collectors.toUnmodifiableSet());
    }
}
