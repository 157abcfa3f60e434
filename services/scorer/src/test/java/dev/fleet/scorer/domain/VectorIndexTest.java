package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ItemKey;

class VectorIndexTest {

    private final VectorIndex index = new VectorIndex();

    @Test
    void returnsTheTopKMostSimilarItemsBestFirst() {
        // given
        index.upsert(new ItemKey("t1", "docs", "east"), List.of(1f, 0f), "east", Map.of("dir", "e"));
        index.upsert(new ItemKey("t1", "docs", "north-east"), List.of(1f, 1f), "north-east", Map.of());
        index.upsert(new ItemKey("t1", "docs", "north"), List.of(0f, 1f), "north", Map.of());
        index.upsert(new ItemKey("t1", "docs", "west"), List.of(-1f, 0f), "west", Map.of());

        // when
        List<ScoredItem> hits = index.search("t1", "docs", List.of(2f, 0.1f), 3);

        // then
        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("east", "north-east", "north");
        assertThat(hits.get(0).getScore()).isCloseTo(0.9988, within(1e-3));
        assertThat(hits.get(0).getText()).isEqualTo("east");
        assertThat(hits.get(0).getMetadata()).containsEntry("dir", "e");
        assertThat(index.search("t1", "docs", List.of(1f, 0f), 10)).hasSize(4).last()
                .satisfies(worst -> assertThat(worst.getScore()).isCloseTo(-1.0, within(1e-6)));
    }

    @Test
    void breaksTiesByItemId() {
        // given
        index.upsert(new ItemKey("t1", "docs", "b"), List.of(1f, 0f), "b", Map.of());
        index.upsert(new ItemKey("t1", "docs", "a"), List.of(1f, 0f), "a", Map.of());
        index.upsert(new ItemKey("t1", "docs", "c"), List.of(1f, 0f), "c", Map.of());

        // when / then
        assertThat(index.search("t1", "docs", List.of(1f, 0f), 2)).extracting(ScoredItem::getItemId)
                .containsExactly("a", "b");
    }

    @Test
    void neverReturnsAnotherTenantsItems() {
        // given
        index.upsert(new ItemKey("tenant-a", "docs", "a-secret"), List.of(1f, 0f), "a's", Map.of());
        index.upsert(new ItemKey("tenant-b", "docs", "b-secret"), List.of(1f, 0f), "b's", Map.of());

        // when
        List<ScoredItem> hits = index.search("tenant-a", "docs", List.of(1f, 0f), 10);

        // then
        assertThat(hits).extracting(ScoredItem::getItemId).containsExactly("a-secret");
        assertThat(index.search("tenant-c", "docs", List.of(1f, 0f), 10)).isEmpty();
    }

    @Test
    void forgetsARemovedItemAndReplacesAnUpsertedOne() {
        // given
        ItemKey key = new ItemKey("t1", "docs", "x/1");
        index.upsert(key, List.of(1f, 0f), "old", Map.of());
        index.upsert(new ItemKey("t1", "docs", "y"), List.of(0f, 1f), "y", Map.of());

        // when
        index.upsert(key, List.of(0f, 1f), "new", Map.of());

        // then
        assertThat(index.size("t1", "docs")).isEqualTo(2);
        assertThat(index.search("t1", "docs", List.of(0f, 1f), 10))
                .filteredOn(hit -> hit.getItemId().equals("x/1")).singleElement().satisfies(hit -> {
                    assertThat(hit.getText()).isEqualTo("new");
                    assertThat(hit.getScore()).isCloseTo(1.0, within(1e-6));
                });

        // when
        assertThat(index.remove(key)).isTrue();

        // then
        assertThat(index.search("t1", "docs", List.of(0f, 1f), 10)).extracting(ScoredItem::getItemId)
                .containsExactly("y");
        assertThat(index.remove(key)).isFalse();
        assertThat(index.remove(new ItemKey("nobody", "docs", "y"))).isFalse();
    }

    @Test
    void hasNoHitsInAnUnknownOrEmptiedCollection() {
        // given
        ItemKey key = new ItemKey("t1", "docs", "only");
        index.upsert(key, List.of(1f, 0f), "only", Map.of());
        index.remove(key);

        // when / then
        assertThat(index.search("t1", "docs", List.of(1f, 0f), 5)).isEmpty();
        assertThat(index.search("t1", "unknown", List.of(1f, 0f), 5)).isEmpty();
        assertThat(index.size("t1", "docs")).isZero();
    }

    @Test
    void refusesAQueryOfAnotherDimensionThanTheCollection() {
        // given
        index.upsert(new ItemKey("t1", "docs", "x"), List.of(1f, 0f, 0f), "x", Map.of());

        // when / then
        assertThatThrownBy(() -> index.search("t1", "docs", List.of(1f, 0f), 5))
                .isInstanceOfSatisfying(DimensionMismatchException.class, e -> {
                    assertThat(e.queryDimensions()).isEqualTo(2);
                    assertThat(e.collectionDimensions()).isEqualTo(3);
                });
    }

    @Test
    void scoresZeroVectorsAsZeroNotNan() {
        // given
        index.upsert(new ItemKey("t1", "docs", "zero"), List.of(0f, 0f), "zero", Map.of());

        // when
        List<ScoredItem> hits = index.search("t1", "docs", List.of(1f, 0f), 5);

        // then
        assertThat(hits).singleElement().satisfies(hit -> assertThat(hit.getScore()).isZero());
        assertThat(index.search("t1", "docs", List.of(0f, 0f), 5).get(0).getScore()).isZero();
    }

    @Test
    void searchesConsistentlyWhileItemsAreWritten() throws Exception {
        // given
        for (int i = 0; i < 100; i++) {
            index.upsert(new ItemKey("t1", "docs", "stable-" + i), List.of(1f, 0f), "s", Map.of());
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();

        // when
        Future<?> writes = writer.submit(() -> {
            for (int i = 0; i < 20_000; i++) {
                ItemKey key = new ItemKey("t1", "docs", "churn-" + (i % 50));
                if (i % 2 == 0) {
                    index.upsert(key, List.of(0f, 1f), "c", Map.of());
                } else {
                    index.remove(key);
                }
            }
        });
        try {
            // then
            while (!writes.isDone()) {
                List<ScoredItem> hits = index.search("t1", "docs", List.of(1f, 0f), 100);
                assertThat(hits).hasSize(100).allSatisfy(hit -> assertThat(hit.getItemId()).startsWith("stable-"));
            }
            writes.get(10, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void appliesEqualityAndInFiltersDuringTheScanNotAfterTopK() {
        // given the nearest items fail the filter
        for (int i = 0; i < 20; i++) {
            index.upsert(new ItemKey("t1", "docs", "sales-" + i), List.of(1f, 0.01f * i), "", Map.of("team", "sales"));
        }
        index.upsert(new ItemKey("t1", "docs", "billing-a"), List.of(0.2f, 1f), "", Map.of("team", "billing",
                "tier", "a"));
        index.upsert(new ItemKey("t1", "docs", "billing-b"), List.of(0.1f, 1f), "", Map.of("team", "billing",
                "tier", "b"));
        index.upsert(new ItemKey("t1", "docs", "billing-c"), List.of(0.3f, 1f), "", Map.of("team", "billing",
                "tier", "c"));
        index.upsert(new ItemKey("t1", "docs", "billing-untiered"), List.of(1f, 1f), "", Map.of("team", "billing"));

        // when
        List<ScoredItem> billing = index.search("t1", "docs", new float[] {1, 0}, 2,
                MetadataFilter.of(Map.of("team", List.of("billing"))));
        List<ScoredItem> tiers = index.search("t1", "docs", new float[] {1, 0}, 5,
                MetadataFilter.of(Map.of("team", List.of("billing"), "tier", List.of("a", "b"))));

        // then
        assertThat(billing).extracting(ScoredItem::getItemId).containsExactly("billing-untiered", "billing-c");
        assertThat(tiers).extracting(ScoredItem::getItemId).containsExactly("billing-a", "billing-b");
    }

    @Test
    void recommendsItemsLikeThePositivesUnlikeTheNegativesWithoutTheExamples() {
        // given
        index.upsert(new ItemKey("t1", "docs", "liked"), List.of(1f, 0f, 0f), "", Map.of());
        index.upsert(new ItemKey("t1", "docs", "disliked"), List.of(0f, 1f, 0f), "", Map.of());
        index.upsert(new ItemKey("t1", "docs", "like-liked"), List.of(1f, 0.2f, 0f), "", Map.of());
        index.upsert(new ItemKey("t1", "docs", "between"), List.of(1f, 1f, 0f), "", Map.of());
        index.upsert(new ItemKey("t1", "docs", "like-disliked"), List.of(0.1f, 1f, 0f), "", Map.of());
        index.upsert(new ItemKey("t1", "docs", "away-from-disliked"), List.of(1f, -0.3f, 0f), "", Map.of());

        // when
        List<ScoredItem> positiveOnly = index.recommend("t1", "docs", List.of("liked"), List.of(), 10,
                MetadataFilter.NONE);
        List<ScoredItem> withNegative = index.recommend("t1", "docs", List.of("liked"), List.of("disliked"), 10,
                MetadataFilter.NONE);

        // then
        assertThat(positiveOnly).extracting(ScoredItem::getItemId).doesNotContain("liked")
                .startsWith("like-liked", "away-from-disliked");
        assertThat(withNegative).extracting(ScoredItem::getItemId).doesNotContain("liked", "disliked")
                .startsWith("away-from-disliked", "like-liked").endsWith("like-disliked");
        // query = 2*liked - disliked = (2, -1, 0)/sqrt(5)
        assertThat(withNegative.get(0).getScore()).isCloseTo((2 + 0.3) / Math.sqrt(5) / Math.sqrt(1.09), within(1e-5));
    }

    @Test
    void refusesARecommendationWithUnknownExamples() {
        // given
        index.upsert(new ItemKey("t1", "docs", "known"), List.of(1f, 0f), "", Map.of());

        // when / then
        assertThatThrownBy(() -> index.recommend("t1", "docs", List.of("known", "ghost"), List.of("phantom"), 3,
                MetadataFilter.NONE))
                .isInstanceOfSatisfying(UnknownItemsException.class,
                        e -> assertThat(e.itemIds()).containsExactly("ghost", "phantom"));
        assertThatThrownBy(() -> index.recommend("t1", "elsewhere", List.of("known"), List.of(), 3,
                MetadataFilter.NONE)).isInstanceOf(UnknownItemsException.class);
    }

    @Test
    void storesA384DimensionalItemInAboutItsVectorsBytesPlusItsStrings() {
        // given
        VectorIndex big = new VectorIndex(dev.fleet.scorer.domain.kernel.ScalarDotProduct.INSTANCE);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int items = 10_000;
        for (int i = 0; i < items; i++) {
            float[] v = new float[384];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            big.upsert(new ItemKey("t1", "docs", "item-" + i), v, "", Map.of());
        }

        // when
        double bytesPerItem = (double) big.approximateBytes("t1", "docs") / items;

        // then: 1,536 bytes of floats; about 56 for the id string, 48 for its id -> slot entry, ~20 for the
        // slot arrays (with growth slack), ~60 for the map's table; no object per vector
        System.out.printf("bytes per item (384-d, 10-char id, no text/metadata): %.0f%n", bytesPerItem);
        assertThat(bytesPerItem).isBetween(1536.0, 1536.0 + 256);
    }
}
