package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyChunkerTest {

    @Test
    void cutsTextIntoWordSizedChunksThatConcatenateToTheOriginal() {
        // given
        String text = "Kafka keeps  records\nin partitions.";

        // when
        var chunks = new ReplyChunker(1).split(text);

        // then
        assertThat(chunks).containsExactly("Kafka", " keeps", "  records", "\nin", " partitions.");
        assertThat(String.join("", chunks)).isEqualTo(text);
    }

    @Test
    void groupsSeveralWordsPerChunkWhenConfigured() {
        // when
        var chunks = new ReplyChunker(2).split("one two three four five");

        // then
        assertThat(chunks).containsExactly("one two", " three four", " five");
    }

    @Test
    void keepsLeadingAndTrailingWhitespace() {
        // given
        String text = "  padded text \n";

        // when
        var chunks = new ReplyChunker(1).split(text);

        // then
        assertThat(String.join("", chunks)).isEqualTo(text);
        assertThat(chunks).hasSize(2);
    }

    @Test
    void returnsNoChunksForEmptyText() {
        assertThat(new ReplyChunker(1).split("")).isEmpty();
        assertThat(new ReplyChunker(1).split(null)).isEmpty();
        assertThat(new ReplyChunker(1).split("   ")).containsExactly("   ");
    }

    @Test
    void refusesChunksOfNoWords() {
        assertThatThrownBy(() -> new ReplyChunker(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
