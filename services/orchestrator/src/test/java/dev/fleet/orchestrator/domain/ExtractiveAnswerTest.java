package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ScoredItem;

class ExtractiveAnswerTest {

    private final ExtractiveAnswer answers = new ExtractiveAnswer(0.05);

    @Test
    void answersWithTheBestPassageWhenTheRunnerUpIsFarBehind() {
        // given
        List<ScoredItem> hits = List.of(hit("a", 0.91, " Kafka keeps records in partitions. "),
                hit("b", 0.60, "PostgreSQL is a database."));

        // when
        String answer = answers.compose("docs", hits);

        // then
        assertThat(answer).isEqualTo("Kafka keeps records in partitions.");
    }

    @Test
    void addsTheRunnerUpWhenItsScoreIsClose() {
        // given
        List<ScoredItem> hits = List.of(hit("a", 0.91, "First passage."), hit("b", 0.88, "Second passage."),
                hit("c", 0.87, "Third passage."));

        // when
        String answer = answers.compose("docs", hits);

        // then
        assertThat(answer).isEqualTo("First passage.\n\nSecond passage.");
    }

    @Test
    void usesTheHighestScoreEvenWhenHitsArriveUnordered() {
        // given
        List<ScoredItem> hits = List.of(hit("b", 0.3, "Weak."), hit("a", 0.9, "Strong."));

        // then
        assertThat(answers.compose("docs", hits)).isEqualTo("Strong.");
    }

    @Test
    void doesNotRepeatAPassageThatAppearsTwice() {
        // given
        List<ScoredItem> hits = List.of(hit("a", 0.9, "Same text."), hit("b", 0.9, "Same text."));

        // then
        assertThat(answers.compose("docs", hits)).isEqualTo("Same text.");
    }

    @Test
    void saysPlainlyWhenNothingMatches() {
        assertThat(answers.compose("faq", List.of()))
                .isEqualTo("No passage in collection 'faq' matches the question.");
        assertThat(answers.compose("faq", List.of(hit("a", 0.9, "   "))))
                .isEqualTo("No passage in collection 'faq' matches the question.");
    }

    private static ScoredItem hit(String id, double score, String text) {
        return new ScoredItem(id, score, text, Map.of());
    }
}
