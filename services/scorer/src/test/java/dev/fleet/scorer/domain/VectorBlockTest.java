package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.fleet.scorer.domain.kernel.ScalarDotProduct;

class VectorBlockTest {

    @Test
    void swapRemoveKeepsEveryOtherItemFindableAcrossChunks() {
        // given more items than one chunk holds
        VectorBlock block = new VectorBlock(4);
        int n = VectorBlock.CHUNK_ITEMS * 2 + 10;
        SplittableRandom random = new SplittableRandom(1);
        Map<String, float[]> expected = new HashMap<>();
        for (int i = 0; i < n; i++) {
            float[] v = Cosine.unit(new float[] {(float) random.nextDouble(), (float) random.nextDouble(), 1, i});
            block.upsert("item-" + i, v, "t" + i, Map.of("i", Integer.toString(i)));
            expected.put("item-" + i, v);
        }

        // when removing the first item of every chunk and some in the middle, and replacing one
        for (int i = 0; i < n; i += 97) {
            assertThat(block.remove("item-" + i)).isTrue();
            expected.remove("item-" + i);
        }
        float[] replaced = Cosine.unit(new float[] {1, 0, 0, 0});
        block.upsert("item-5", replaced, "new", Map.of());
        expected.put("item-5", replaced);

        // then
        assertThat(block.size()).isEqualTo(expected.size());
        assertThat(block.remove("item-0")).isFalse();
        expected.forEach((id, v) -> assertThat(block.vector(id)).as(id).containsExactly(v));
        List<String> seen = new ArrayList<>();
        for (int slot = 0; slot < block.size(); slot++) {
            seen.add(block.id(slot));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected.keySet());
    }

    @Test
    void scansOnlyTheItemsThatPassTheFilterAndKeepsTheBestK() {
        // given
        VectorBlock block = new VectorBlock(2);
        block.upsert("billing-close", Cosine.unit(new float[] {1, 0.1f}), "", Map.of("team", "billing"));
        block.upsert("billing-far", Cosine.unit(new float[] {0, 1}), "", Map.of("team", "billing"));
        block.upsert("sales-closest", Cosine.unit(new float[] {1, 0}), "", Map.of("team", "sales"));
        block.upsert("no-team", Cosine.unit(new float[] {1, 0}), "", Map.of());
        TopHits top = new TopHits(1, block::id);

        // when
        block.scan(new float[] {1, 0}, ScalarDotProduct.INSTANCE, MetadataFilter.of(Map.of("team", List.of("billing"))),
                top);

        // then
        float[] scores = new float[1];
        assertThat(block.id(top.slotsBestFirst(scores)[0])).isEqualTo("billing-close");
    }

    @Test
    void freesTheVectorChunksOfRemovedItems() {
        // given
        VectorBlock block = new VectorBlock(8);
        for (int i = 0; i < VectorBlock.CHUNK_ITEMS * 4; i++) {
            block.upsert("i" + i, Cosine.unit(new float[] {1, 2, 3, 4, 5, 6, 7, i}), "", Map.of());
        }
        long full = block.arrayBytes();

        // when
        for (int i = 0; i < VectorBlock.CHUNK_ITEMS * 4 - 1; i++) {
            block.remove("i" + i);
        }

        // then
        assertThat(block.size()).isEqualTo(1);
        assertThat(block.arrayBytes()).isLessThan(full / 3);
    }
}
