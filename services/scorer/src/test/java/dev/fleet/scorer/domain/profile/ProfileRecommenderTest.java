package dev.fleet.scorer.domain.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.InteractionKind;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ItemKey;
import dev.fleet.scorer.domain.Cosine;
import dev.fleet.scorer.domain.MetadataFilter;
import dev.fleet.scorer.domain.VectorIndex;

class ProfileRecommenderTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration HALF_LIFE = Duration.ofDays(7);
    private static final Map<String, float[]> ITEMS = Map.of(
            "red-shoe", new float[] {1, 0, 0},
            "red-hat", new float[] {0.9f, 0.1f, 0},
            "blue-shoe", new float[] {0.2f, 1, 0},
            "blue-hat", new float[] {0, 0.9f, 0.2f},
            "green-bag", new float[] {0, 0, 1});

    private final VectorIndex index = new VectorIndex();
    private final UserProfiles profiles = new UserProfiles(6, 50, 100);
    private final ProfileRecommender recommender = new ProfileRecommender(index, profiles, HALF_LIFE,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void ranksByCosineToTheDecayedWeightedMeanAndCanLeaveOutWhatTheUserSaw() {
        // given: a recent purchase of a red shoe, an old view of a blue shoe
        ITEMS.forEach((id, v) -> index.upsert(new ItemKey("t1", "shop", id), v, id, Map.of()));
        UserProfiles.UserKey anna = new UserProfiles.UserKey("t1", "shop", "anna");
        profiles.record(anna, new ProfileInteraction("red-shoe", InteractionKind.PURCHASE, 5,
                NOW.minus(Duration.ofDays(1)).toEpochMilli(), "e1"));
        profiles.record(anna, new ProfileInteraction("blue-shoe", InteractionKind.VIEW, 1,
                NOW.minus(Duration.ofDays(14)).toEpochMilli(), "e2"));

        // when
        List<ScoredItem> all = recommender.recommend("t1", "shop", "anna", false, 5, MetadataFilter.NONE);
        List<ScoredItem> unseen = recommender.recommend("t1", "shop", "anna", true, 5, MetadataFilter.NONE);

        // then: the ranking computed here by brute force
        float[] profile = new float[3];
        double w1 = 5 * Math.pow(0.5, 1 / 7.0);
        double w2 = 1 * Math.pow(0.5, 2);
        float[] redShoe = Cosine.unit(ITEMS.get("red-shoe"));
        float[] blueShoe = Cosine.unit(ITEMS.get("blue-shoe"));
        for (int i = 0; i < 3; i++) {
            profile[i] = (float) ((w1 * redShoe[i] + w2 * blueShoe[i]) / (w1 + w2));
        }
        List<String> expected = ITEMS.keySet().stream()
                .sorted(Comparator.comparingDouble((String id) -> -Cosine.similarity(profile, ITEMS.get(id)))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
        assertThat(all).extracting(ScoredItem::getItemId).containsExactlyElementsOf(expected);
        assertThat(all.get(0).getScore()).isCloseTo(Cosine.similarity(profile, ITEMS.get(expected.get(0))),
                within(1e-5));
        assertThat(unseen).extracting(ScoredItem::getItemId).containsExactlyElementsOf(
                expected.stream().filter(id -> !id.equals("red-shoe") && !id.equals("blue-shoe")).toList());
    }

    @Test
    void anUnknownUserOrOneWithoutKnownItemsGetsNothing() {
        ITEMS.forEach((id, v) -> index.upsert(new ItemKey("t1", "shop", id), v, id, Map.of()));
        profiles.record(new UserProfiles.UserKey("t1", "shop", "ghost"),
                new ProfileInteraction("deleted-item", InteractionKind.VIEW, 1, NOW.toEpochMilli(), "e1"));

        assertThat(recommender.recommend("t1", "shop", "nobody", false, 5, MetadataFilter.NONE)).isEmpty();
        assertThat(recommender.recommend("t1", "shop", "ghost", true, 5, MetadataFilter.NONE)).isEmpty();
        assertThat(recommender.recommend("t1", "empty", "ghost", true, 5, MetadataFilter.NONE)).isEmpty();
    }
}
