package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.RecommendationRule;
import dev.fleet.events.v1.RecommendationRules;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ItemKey;

/** Boost, bury and pin rules applied by {@link VectorIndex} while it ranks (decision 0049). */
class RankingRulesTest {

    private static final float[] QUERY = {1f, 0f};

    private final VectorIndex index = new VectorIndex();

    @Test
    void boostLiftsAnItemIntoTheTopKDuringTheScanNotByResortingTheTruncatedList() {
        // given: c is only third by similarity
        add("a", 0.9, Map.of("team", "sales"));
        add("b", 0.8, Map.of("team", "sales"));
        add("c", 0.5, Map.of("team", "billing"));
        RankingRules rules = rules(1, List.of(rule(Map.of("team", List.of("billing")), 2.0)), List.of());

        // when: only one hit is asked for
        List<ScoredItem> hits = index.search("t1", "docs", QUERY, 1, MetadataFilter.NONE, rules);

        // then: c (0.5 × 2 = 1.0) beats a (0.9); a re-sort of the top 1 would have kept a
        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("c");
        assertThat(hits.get(0).getScore()).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void buryPushesMatchingItemsDownAndOutOfTheTopK() {
        add("a", 0.9, Map.of("stock", "out"));
        add("b", 0.8, Map.of("stock", "in"));
        add("c", 0.7, Map.of("stock", "in"));
        RankingRules rules = rules(2, List.of(rule(Map.of("stock", List.of("out")), 0.5)), List.of());

        List<ScoredItem> hits = index.search("t1", "docs", QUERY, 2, MetadataFilter.NONE, rules);

        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("b", "c");
    }

    @Test
    void matchesAnInListAndMultipliesTheFactorsOfEveryMatchingRule() {
        add("a", 0.9, Map.of());
        add("b", 0.4, Map.of("team", "billing", "tier", "gold"));
        add("c", 0.4, Map.of("team", "support"));
        RankingRules rules = rules(3, List.of(rule(Map.of("team", List.of("billing", "support")), 1.5),
                rule(Map.of("tier", List.of("gold")), 2.0)), List.of());

        List<ScoredItem> hits = index.search("t1", "docs", QUERY, 3, MetadataFilter.NONE, rules);

        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("b", "a", "c");
        assertThat(hits.get(0).getScore()).isCloseTo(0.4 * 1.5 * 2.0, within(1e-5));
        assertThat(hits.get(2).getScore()).isCloseTo(0.4 * 1.5, within(1e-5));
    }

    @Test
    void boostRaisesAndBuryLowersANegativeSimilarityToo() {
        add("boosted", -0.5, Map.of("team", "billing"));
        add("plain", -0.6, Map.of());
        add("buried", -0.55, Map.of("team", "legal"));
        RankingRules rules = rules(4, List.of(rule(Map.of("team", List.of("billing")), 2.0),
                rule(Map.of("team", List.of("legal")), 0.5)), List.of());

        List<ScoredItem> hits = index.search("t1", "docs", QUERY, 3, MetadataFilter.NONE, rules);

        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("boosted", "plain", "buried");
        assertThat(hits.get(0).getScore()).isCloseTo(-0.25, within(1e-5));
        assertThat(hits.get(2).getScore()).isCloseTo(-1.1, within(1e-5));
    }

    @Test
    void pinnedItemsComeFirstInTheirOrderWhenTheyExistAndPassTheFilterAndAreNotRepeated() {
        // given
        add("a", 0.9, Map.of("lang", "en"));
        add("b", 0.8, Map.of("lang", "en"));
        add("c", 0.1, Map.of("lang", "en"));
        add("d", 0.2, Map.of("lang", "de"));
        RankingRules rules = rules(5, List.of(), List.of("c", "missing", "d", "b"));

        // when: only English items
        List<ScoredItem> hits = index.search("t1", "docs", QUERY, 3, MetadataFilter.of(Map.of("lang", List.of("en"))),
                rules);

        // then: c and b pinned (missing is not in the collection, d fails the filter), then the best other
        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("c", "b", "a");
        assertThat(hits.get(0).getScore()).isCloseTo(0.1, within(1e-5));
    }

    @Test
    void pinnedItemsNeverExceedTopK() {
        add("a", 0.9, Map.of());
        add("b", 0.8, Map.of());
        add("c", 0.1, Map.of());
        RankingRules rules = rules(6, List.of(), List.of("c", "b"));

        List<ScoredItem> hits = index.search("t1", "docs", QUERY, 1, MetadataFilter.NONE, rules);

        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("c");
    }

    @Test
    void aRecommendationByExamplesNeverServesAnExampleEvenWhenPinned() {
        add("a", 1.0, Map.of());
        add("b", 0.8, Map.of());
        add("c", 0.1, Map.of());
        RankingRules rules = rules(7, List.of(), List.of("a", "c"));

        List<ScoredItem> hits = index.recommend("t1", "docs", List.of("a"), List.of(), 2, MetadataFilter.NONE, rules);

        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("c", "b");
    }

    @Test
    void withoutRulesTheRankingIsPlainSimilarity() {
        add("a", 0.9, Map.of("team", "billing"));
        add("b", 0.5, Map.of("team", "billing"));

        List<ScoredItem> hits = index.search("t1", "docs", QUERY, 2, MetadataFilter.NONE, RankingRules.NONE);

        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("a", "b");
        assertThat(RankingRules.NONE.version()).isZero();
    }

    @Test
    void leavesOutRulesThatWouldBoostEverythingOrFlipTheRanking() {
        RankingRules rules = rules(8, List.of(rule(Map.of(), 5.0), rule(Map.of("team", List.of("x")), -1.0),
                rule(Map.of("team", List.of("x")), 0.0)), List.of("p", "p"));

        assertThat(rules.adjustsScores()).isFalse();
        assertThat(rules.pinned()).containsExactly("p");
        assertThat(rules.version()).isEqualTo(8);
    }

    private void add(String id, double similarity, Map<String, String> metadata) {
        float sin = (float) Math.sqrt(1 - similarity * similarity);
        index.upsert(new ItemKey("t1", "docs", id), List.of((float) similarity, sin), id, metadata);
    }

    private static RecommendationRule rule(Map<String, List<String>> when, double factor) {
        return new RecommendationRule(when, factor);
    }

    private static RankingRules rules(int version, List<RecommendationRule> rules, List<String> pinned) {
        return RankingRules.of(new RecommendationRules("t1", "docs", version, rules, pinned, Instant.EPOCH));
    }
}
