package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class TopHitsTest {

    @Test
    void keepsTheBestKOfManyInOrderWithTiesByIdLikeAFullSort() {
        // given scores with many ties
        SplittableRandom random = new SplittableRandom(3);
        int n = 5_000;
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextInt(200) / 100f;
        }
        TopHits top = new TopHits(25, slot -> String.format("id-%05d", slot));

        // when
        for (int i = 0; i < n; i++) {
            top.offer(scores[i], i);
        }
        float[] kept = new float[top.size()];
        int[] slots = top.slotsBestFirst(kept);

        // then: the same as sorting everything (score descending, then id ascending)
        List<Integer> expected = IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparing(i -> i))
                .limit(25).toList();
        assertThat(IntStream.of(slots).boxed().toList()).isEqualTo(expected);
        assertThat(kept[0]).isEqualTo(scores[expected.get(0)]);
    }

    @Test
    void returnsFewerThanKWhenFewerWereOffered() {
        TopHits top = new TopHits(10, Integer::toString);
        top.offer(0.5f, 1);
        top.offer(0.9f, 2);

        float[] scores = new float[top.size()];
        assertThat(top.slotsBestFirst(scores)).containsExactly(2, 1);
        assertThat(scores).containsExactly(0.9f, 0.5f);
    }
}
