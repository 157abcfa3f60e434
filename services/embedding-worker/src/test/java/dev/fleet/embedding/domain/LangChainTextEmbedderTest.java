package dev.fleet.embedding.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;

class LangChainTextEmbedderTest {

    private final List<List<TextSegment>> calls = new ArrayList<>();

    private final EmbeddingModel model = new EmbeddingModel() {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            calls.add(segments);
            return Response.from(segments.stream()
                    .map(s -> s.text().equals("zero") ? Embedding.from(new float[] {0, 0}) : Embedding.from(new float[] {3, 4}))
                    .toList());
        }

        @Override
        public int dimension() {
            return 2;
        }
    };

    private final TokenCountEstimator words = new TokenCountEstimator() {
        @Override
        public int estimateTokenCountInText(String text) {
            return text.split(" ").length;
        }

        @Override
        public int estimateTokenCountInMessage(ChatMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
            throw new UnsupportedOperationException();
        }
    };

    private final LangChainTextEmbedder embedder = new LangChainTextEmbedder("m", "1", model, words);

    @Test
    void returnsUnitVectorsAndTokensPerTextFromOneModelCall() {
        // when
        List<TextEmbedding> embedded = embedder.embedAll(List.of("one", "two words"));

        // then
        assertThat(calls).hasSize(1);
        assertThat(embedded.get(0).vector()[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(embedded.get(0).vector()[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(embedded).extracting(TextEmbedding::tokens).containsExactly(1, 2);
    }

    @Test
    void leavesAZeroVectorZero() {
        assertThat(embedder.embedAll(List.of("zero")).get(0).vector()).containsExactly(0f, 0f);
    }

    @Test
    void refusesBlankTextsBeforeCallingTheModel() {
        assertThatThrownBy(() -> embedder.embedAll(List.of("fine", " "))).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).isEmpty();
    }

    @Test
    void doesNotCallTheModelForNoTexts() {
        assertThat(embedder.embedAll(List.of())).isEmpty();
        assertThat(calls).isEmpty();
    }
}
