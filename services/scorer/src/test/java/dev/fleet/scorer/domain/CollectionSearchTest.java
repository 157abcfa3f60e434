package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.RecommendExamples;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ItemKey;

class CollectionSearchTest {

    private final VectorIndex index = new VectorIndex();
    private final CollectionSearch search = new CollectionSearch(index, 2);

    @Test
    void answersWithTheHitsOfTheRequestingTenantCappedAtMaxTopK() {
        // given
        index.upsert(new ItemKey("t1", "docs", "a"), List.of(1f, 0f), "a", Map.of());
        index.upsert(new ItemKey("t1", "docs", "b"), List.of(1f, 0.5f), "b", Map.of());
        index.upsert(new ItemKey("t1", "docs", "c"), List.of(0f, 1f), "c", Map.of());

        // when
        ScoreResult result = search.answer(request("t1", "docs", List.of(1f, 0f), 50));

        // then
        assertThat(result.getRequestId()).isEqualTo("r1");
        assertThat(result.getError()).isNull();
        assertThat(result.getItems()).extracting(ScoredItem::getItemId).containsExactly("a", "b");
    }

    @Test
    void answersAnUnknownCollectionWithNoHitsAndNoError() {
        ScoreResult result = search.answer(request("t1", "nothing-here", List.of(1f, 0f), 5));

        assertThat(result.getError()).isNull();
        assertThat(result.getItems()).isEmpty();
    }

    @Test
    void answersADimensionMismatchWithAnInvalidRequestError() {
        // given
        index.upsert(new ItemKey("t1", "docs", "a"), List.of(1f, 0f, 0f), "a", Map.of());

        // when
        ScoreResult result = search.answer(request("t1", "docs", List.of(1f, 0f), 5));

        // then
        assertThat(result.getItems()).isEmpty();
        assertThat(result.getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
        assertThat(result.getError().getCode()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
        assertThat(result.getError().getMessage()).contains("2", "3");
    }

    @Test
    void refusesAnEmptyQueryOrATopKBelowOne() {
        assertThat(search.answer(request("t1", "docs", List.of(), 5)).getError().getCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(search.answer(request("t1", "docs", List.of(1f), 0)).getError().getCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void answersARecommendationWithTheFilteredHitsExcludingTheExamples() {
        // given
        index.upsert(new ItemKey("t1", "docs", "liked"), List.of(1f, 0f), "", Map.of("team", "billing"));
        index.upsert(new ItemKey("t1", "docs", "near"), List.of(1f, 0.1f), "", Map.of("team", "sales"));
        index.upsert(new ItemKey("t1", "docs", "farther"), List.of(1f, 0.5f), "", Map.of("team", "billing"));
        ScoreRequested recommend = request("t1", "docs", List.of(), 5);
        recommend.setRecommend(new RecommendExamples(List.of("liked"), List.of()));
        recommend.setFilter(Map.of("team", List.of("billing")));

        // when
        ScoreResult result = search.answer(recommend);

        // then
        assertThat(result.getError()).isNull();
        assertThat(result.getItems()).extracting(ScoredItem::getItemId).containsExactly("farther");
    }

    @Test
    void refusesARecommendationWithoutPositivesOrWithUnknownExamples() {
        // given
        index.upsert(new ItemKey("t1", "docs", "a"), List.of(1f, 0f), "", Map.of());
        ScoreRequested noPositives = request("t1", "docs", List.of(), 5);
        noPositives.setRecommend(new RecommendExamples(List.of(), List.of("a")));
        ScoreRequested unknown = request("t1", "docs", List.of(), 5);
        unknown.setRecommend(new RecommendExamples(List.of("a", "ghost"), List.of()));

        // when / then
        assertThat(search.answer(noPositives).getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(search.answer(unknown).getError()).satisfies(error -> {
            assertThat(error.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(error.getMessage()).contains("ghost").doesNotContain("a,");
        });
    }

    @Test
    void aRecommendationIsForAUserOrByExamplesNotBoth() {
        index.upsert(new ItemKey("t1", "docs", "a"), List.of(1f, 0f), "a", Map.of());

        ScoreRequested both = ScoreRequested.newBuilder(request("t1", "docs", List.of(), 2)).setUser("anna")
                .setRecommend(new RecommendExamples(List.of("a"), List.of())).build();
        ScoreRequested unknownUser = ScoreRequested.newBuilder(request("t1", "docs", List.of(), 2)).setUser("anna")
                .build();

        assertThat(search.answer(both).getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(search.answer(unknownUser).getError()).isNull();
        assertThat(search.answer(unknownUser).getItems()).isEmpty();
    }

    private static ScoreRequested request(String tenant, String collection, List<Float> query, int topK) {
        return ScoreRequested.newBuilder().setRequestId("r1").setTenantId(tenant).setCollection(collection)
                .setQueryVector(query).setTopK(topK).setReplyTo("test").setRequestedAt(Instant.EPOCH).build();
    }
}
