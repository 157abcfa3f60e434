package dev.fleet.scorer.domain.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.InteractionKind;
import dev.fleet.scorer.domain.DimensionMismatchException;

class ProfileVectorTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration HALF_LIFE = Duration.ofDays(7);
    private static final Map<String, float[]> VECTORS = Map.of(
            "x", new float[] {1, 0, 0},
            "y", new float[] {0, 1, 0},
            "z", new float[] {0, 0, 1});

    @Test
    void anInteractionOneHalfLifeOldCountsHalf() {
        // given: the same weight, x now and y one half-life ago
        List<ProfileInteraction> interactions = List.of(
                interaction("x", InteractionKind.VIEW, 1, NOW),
                interaction("y", InteractionKind.VIEW, 1, NOW.minus(HALF_LIFE)));

        // when
        float[] profile = ProfileVector.of(interactions, VECTORS::get, NOW, HALF_LIFE);

        // then: (1·x + ½·y) / 1.5
        assertThat(profile[0]).isCloseTo(1 / 1.5f, within(1e-6f));
        assertThat(profile[1]).isCloseTo(0.5f / 1.5f, within(1e-6f));
        assertThat(profile[2]).isZero();
    }

    @Test
    void decayHalvesEveryHalfLifeAndNeverGrowsForFutureTimes() {
        double halfLife = HALF_LIFE.toMillis();
        assertThat(ProfileVector.decay(0, halfLife)).isEqualTo(1.0);
        assertThat(ProfileVector.decay(HALF_LIFE.toMillis(), halfLife)).isCloseTo(0.5, within(1e-12));
        assertThat(ProfileVector.decay(3 * HALF_LIFE.toMillis(), halfLife)).isCloseTo(0.125, within(1e-12));
        assertThat(ProfileVector.decay(-HALF_LIFE.toMillis(), halfLife)).isEqualTo(1.0);
    }

    @Test
    void weightsComeFromTheKindUnlessTheEventGivesOne() {
        // given: a purchase (default 5) and a view (default 1), both now; a click with an explicit weight 3
        List<ProfileInteraction> interactions = List.of(
                interaction("x", InteractionKind.PURCHASE, InteractionWeights.of(InteractionKind.PURCHASE, null), NOW),
                interaction("y", InteractionKind.VIEW, InteractionWeights.of(InteractionKind.VIEW, null), NOW),
                interaction("z", InteractionKind.CLICK, InteractionWeights.of(InteractionKind.CLICK, 3.0), NOW));

        // when
        float[] profile = ProfileVector.of(interactions, VECTORS::get, NOW, HALF_LIFE);

        // then: (5x + 1y + 3z) / 9
        assertThat(profile[0]).isCloseTo(5 / 9f, within(1e-6f));
        assertThat(profile[1]).isCloseTo(1 / 9f, within(1e-6f));
        assertThat(profile[2]).isCloseTo(3 / 9f, within(1e-6f));
    }

    @Test
    void itemsWithoutAVectorAreLeftOut() {
        // given: x is known, "gone" is not in the collection
        List<ProfileInteraction> interactions = List.of(
                interaction("x", InteractionKind.VIEW, 1, NOW),
                interaction("gone", InteractionKind.PURCHASE, 5, NOW));

        // when
        float[] profile = ProfileVector.of(interactions, VECTORS::get, NOW, HALF_LIFE);

        // then: only x counts, with its own weight as the whole mean
        assertThat(profile).containsExactly(1, 0, 0);
    }

    @Test
    void aProfileWithNoKnownItemIsNull() {
        List<ProfileInteraction> interactions = List.of(interaction("gone", InteractionKind.VIEW, 1, NOW));

        assertThat(ProfileVector.of(interactions, VECTORS::get, NOW, HALF_LIFE)).isNull();
        assertThat(ProfileVector.of(List.of(), VECTORS::get, NOW, HALF_LIFE)).isNull();
    }

    @Test
    void itemsOfDifferentDimensionsAreADimensionMismatch() {
        Map<String, float[]> vectors = Map.of("x", new float[] {1, 0}, "y", new float[] {1, 0, 0});
        List<ProfileInteraction> interactions = List.of(
                interaction("x", InteractionKind.VIEW, 1, NOW), interaction("y", InteractionKind.VIEW, 1, NOW));

        assertThatThrownBy(() -> ProfileVector.of(interactions, vectors::get, NOW, HALF_LIFE))
                .isInstanceOf(DimensionMismatchException.class);
    }

    static ProfileInteraction interaction(String item, InteractionKind kind, double weight, Instant at) {
        return new ProfileInteraction(item, kind, weight, at.toEpochMilli(), null);
    }
}
