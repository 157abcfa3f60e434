package dev.fleet.orchestrator.domain.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class PromptConfigTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void shouldNumberVersionsAndPointLabelsAtTheNewOne() {
        // given
        PromptConfig prompt = PromptConfig.empty("t1", "support", NOW)
                .withVersion("v1 {{tone}}", List.of("production", "staging"), NOW);

        // when
        PromptConfig next = prompt.withVersion("v2 {{tone}}", List.of("staging"), NOW);

        // then
        assertThat(next.versions()).extracting(PromptConfig.Version::number).containsExactly(1, 2);
        assertThat(next.labels()).containsEntry("production", 1).containsEntry("staging", 2);
        assertThat(next.labelsOf(1)).containsExactly("production");
        assertThat(prompt.versions()).hasSize(1); // the earlier value is unchanged
    }

    @Test
    void shouldRollBackByMovingALabelToAnEarlierVersion() {
        // given
        PromptConfig prompt = PromptConfig.empty("t1", "support", NOW)
                .withVersion("first", List.of("production"), NOW)
                .withVersion("second", List.of("production"), NOW);

        // when
        PromptConfig rolledBack = prompt.withLabel("production", 1, NOW);

        // then
        assertThat(rolledBack.labelled("production")).map(PromptConfig.Version::template).contains("first");
        assertThat(rolledBack.versions()).hasSize(2);
    }

    @Test
    void shouldRefuseToPointALabelAtAMissingVersion() {
        PromptConfig prompt = PromptConfig.empty("t1", "support", NOW).withVersion("first", List.of(), NOW);

        assertThatThrownBy(() -> prompt.withLabel("production", 3, NOW))
                .isInstanceOf(PromptConfig.UnknownVersionException.class)
                .hasMessageContaining("no version 3");
    }
}
