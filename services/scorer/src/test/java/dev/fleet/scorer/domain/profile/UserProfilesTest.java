package dev.fleet.scorer.domain.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.InteractionKind;
import dev.fleet.schemas.CollectionPartition;

class UserProfilesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final UserProfiles.UserKey ANNA = new UserProfiles.UserKey("t1", "shop", "anna");

    @Test
    void keepsTheMostRecentInteractionsInTimeOrderEvenWhenTheyArriveLate() {
        // given
        UserProfiles profiles = new UserProfiles(6, 3, 10);

        // when: four interactions, the one at +2 arriving last
        profiles.record(ANNA, at("a", 0, "e0"));
        profiles.record(ANNA, at("b", 1, "e1"));
        profiles.record(ANNA, at("d", 3, "e3"));
        profiles.record(ANNA, at("c", 2, "e2"));

        // then: the oldest went, the late one sits in its place
        assertThat(profiles.find(ANNA).orElseThrow().interactions()).extracting(ProfileInteraction::itemId)
                .containsExactly("b", "c", "d");
        assertThat(profiles.find(ANNA).orElseThrow().itemIds()).containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void aRedeliveredEventOrADuplicateInteractionCountsOnce() {
        UserProfiles profiles = new UserProfiles(6, 10, 10);

        assertThat(profiles.record(ANNA, at("a", 0, "e0"))).isTrue();
        assertThat(profiles.record(ANNA, at("a", 0, "e0"))).as("same event id").isFalse();
        assertThat(profiles.record(ANNA, at("a", 0, "other-id"))).as("same item, kind and time").isFalse();
        assertThat(profiles.record(ANNA, at("b", 5, "e0"))).as("same event id, other content").isFalse();
        assertThat(profiles.record(ANNA, at("a", 1, "e1"))).as("the same item again, later").isTrue();

        assertThat(profiles.find(ANNA).orElseThrow().interactions()).hasSize(2);
    }

    @Test
    void evictsTheLeastRecentlyUsedUserOfAPartitionBeyondItsLimit() {
        // given: at most two users per partition, all in one collection (so one partition)
        UserProfiles profiles = new UserProfiles(6, 10, 2);
        UserProfiles.UserKey ben = new UserProfiles.UserKey("t1", "shop", "ben");
        UserProfiles.UserKey cleo = new UserProfiles.UserKey("t1", "shop", "cleo");
        profiles.record(ANNA, at("a", 0, "e0"));
        profiles.record(ben, at("a", 0, "e1"));

        // when: anna is read (so ben is now the least recently used), then a third user arrives
        profiles.find(ANNA);
        profiles.record(cleo, at("a", 0, "e2"));

        // then
        assertThat(profiles.find(ANNA)).isPresent();
        assertThat(profiles.find(ben)).isEmpty();
        assertThat(profiles.find(cleo)).isPresent();
        int partition = CollectionPartition.of("t1", "shop", 6);
        assertThat(profiles.users(partition)).isEqualTo(2);
        assertThat(profiles.evictions(partition)).isEqualTo(1);
    }

    @Test
    void droppingAPartitionForgetsItsUsersOnly() {
        UserProfiles profiles = new UserProfiles(6, 10, 10);
        UserProfiles.UserKey elsewhere = otherPartitionThan(ANNA);
        profiles.record(ANNA, at("a", 0, "e0"));
        profiles.record(elsewhere, at("a", 0, "e1"));

        profiles.drop(Set.of(CollectionPartition.of("t1", "shop", 6)));

        assertThat(profiles.find(ANNA)).isEmpty();
        assertThat(profiles.find(elsewhere)).isPresent();
    }

    @Test
    void refusesAWeightThatIsNotPositive() {
        assertThatThrownBy(() -> new ProfileInteraction("a", InteractionKind.VIEW, 0, 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> new ProfileInteraction("a", InteractionKind.VIEW, Double.NaN, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static UserProfiles.UserKey otherPartitionThan(UserProfiles.UserKey user) {
        int home = CollectionPartition.of(user.tenantId(), user.collection(), 6);
        for (int i = 0; ; i++) {
            if (CollectionPartition.of("t1", "c" + i, 6) != home) {
                return new UserProfiles.UserKey("t1", "c" + i, user.user());
            }
        }
    }

    private static ProfileInteraction at(String item, int hours, String eventId) {
        return new ProfileInteraction(item, InteractionKind.VIEW, 1, T0.plusSeconds(3600L * hours).toEpochMilli(),
                eventId);
    }
}
