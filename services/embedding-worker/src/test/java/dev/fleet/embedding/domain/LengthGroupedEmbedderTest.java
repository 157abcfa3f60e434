package dev.fleet.embedding.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LengthGroupedEmbedderTest {

    private final RecordingEmbedder model = new RecordingEmbedder();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void embedsTextsOfSimilarLengthTogetherAndReturnsVectorsInInputOrder() {
        // given: long and short texts interleaved, two threads, groups of at most 3
        LengthGroupedEmbedder embedder = new LengthGroupedEmbedder(model, threads, 2, 3);
        List<String> texts = List.of("a long text of many words", "b", "another long text here", "cc",
                "the longest text of all of them", "ddd");

        // when
        List<TextEmbedding> embedded = embedder.embedAll(texts);

        // then: one call per length group (the short ones, then the long ones), not the input order
        assertThat(model.calls).containsExactlyInAnyOrder(List.of("b", "cc", "ddd"),
                List.of("another long text here", "a long text of many words", "the longest text of all of them"));
        // and every vector (here [length, position in its call]) and token count belongs to its own input
        assertThat(embedded).extracting(e -> (int) e.vector()[0])
                .containsExactly(texts.stream().map(String::length).toArray(Integer[]::new));
        assertThat(embedded).extracting(TextEmbedding::tokens).containsExactly(6, 1, 4, 1, 7, 1);
    }

    @Test
    void givesEveryThreadAGroupWhenTheBatchIsSmall() {
        // given: 4 texts, 2 threads, groups of up to 16
        LengthGroupedEmbedder embedder = new LengthGroupedEmbedder(model, threads, 2, 16);

        // when
        embedder.embedAll(List.of("dddd", "a", "ccc", "bb"));

        // then: two groups of two, by length
        assertThat(model.calls).containsExactlyInAnyOrder(List.of("a", "bb"), List.of("ccc", "dddd"));
    }

    @Test
    void keepsInputOrderAmongTextsOfEqualLength() {
        // given: the same item text twice (an update of one item key and a copy) in a group
        LengthGroupedEmbedder embedder = new LengthGroupedEmbedder(model, threads, 1, 8);

        // when
        List<TextEmbedding> embedded = embedder.embedAll(List.of("x1", "yyyy", "x2"));

        // then: equal lengths stay in input order in their call (x1 before x2)
        assertThat(model.calls).containsExactly(List.of("x1", "x2", "yyyy"));
        assertThat(embedded).extracting(e -> (int) e.vector()[1]).containsExactly(0, 2, 1);
    }

    @Test
    void refusesBlankTextsBeforeCallingTheModel() {
        LengthGroupedEmbedder embedder = new LengthGroupedEmbedder(model, threads, 2, 4);

        assertThatThrownBy(() -> embedder.embedAll(List.of("ok", " "))).isInstanceOf(IllegalArgumentException.class);
        assertThat(model.calls).isEmpty();
    }
}
