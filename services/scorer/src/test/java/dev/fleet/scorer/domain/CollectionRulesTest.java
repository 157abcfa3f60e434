package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.RecommendationRule;
import dev.fleet.events.v1.RecommendationRules;

class CollectionRulesTest {

    private final CollectionRules rules = new CollectionRules();

    @Test
    void keepsTheLatestRulesOfEachCollectionAndForgetsThemOnATombstone() {
        // given
        rules.apply("t1/shop", record("t1", "shop", 1));
        rules.apply("t1/shop", record("t1", "shop", 2));
        rules.apply("t1/docs", record("t1", "docs", 5));
        rules.apply("t2/shop", record("t2", "shop", 9));

        // then each collection has its own latest version; others have none
        assertThat(rules.of("t1", "shop").version()).isEqualTo(2);
        assertThat(rules.of("t1", "docs").version()).isEqualTo(5);
        assertThat(rules.of("t2", "shop").version()).isEqualTo(9);
        assertThat(rules.of("t3", "shop")).isSameAs(RankingRules.NONE);

        // when tombstones arrive (one of a key without a collection, which names nothing)
        rules.apply("t1/shop", null);
        rules.apply("t2", null);

        // then
        assertThat(rules.of("t1", "shop")).isSameAs(RankingRules.NONE);
        assertThat(rules.of("t1", "docs").version()).isEqualTo(5);
        assertThat(rules.of("t2", "shop").version()).isEqualTo(9);
    }

    private static RecommendationRules record(String tenant, String collection, int version) {
        return new RecommendationRules(tenant, collection, version,
                List.of(new RecommendationRule(Map.of("team", List.of("billing")), 1.5)), List.of(), Instant.EPOCH);
    }
}
