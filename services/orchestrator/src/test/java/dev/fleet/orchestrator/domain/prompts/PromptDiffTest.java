package dev.fleet.orchestrator.domain.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class PromptDiffTest {

    @Test
    void shouldMarkChangedLinesAsRemovedThenAddedAndKeepTheRest() {
        // given
        String from = "You are a {{tone}} assistant.\nAnswer in English.\nBe brief.";
        String to = "You are a {{tone}} assistant.\nAnswer in {{language}}.\nBe brief.\nCite sources.";

        // when
        List<String> diff = PromptDiff.lines(from, to).stream().map(PromptDiff.Line::unified).toList();

        // then
        assertThat(diff).containsExactly(
                " You are a {{tone}} assistant.",
                "-Answer in English.",
                "+Answer in {{language}}.",
                " Be brief.",
                "+Cite sources.");
    }

    @Test
    void shouldKeepEveryLineOfIdenticalTexts() {
        assertThat(PromptDiff.lines("a\nb", "a\nb")).extracting(PromptDiff.Line::change)
                .containsOnly(PromptDiff.Change.KEPT).hasSize(2);
    }
}
