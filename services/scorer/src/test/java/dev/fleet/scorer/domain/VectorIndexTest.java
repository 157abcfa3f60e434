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
}
