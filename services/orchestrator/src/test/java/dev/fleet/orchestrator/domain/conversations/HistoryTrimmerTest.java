package dev.fleet.orchestrator.domain.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.ChatMessages;

class HistoryTrimmerTest {

    private final HistoryTrimmer trimmer = new HistoryTrimmer(TokenCounter.cl100k());

    private final List<ChatMessage> history = List.of(
            ChatMessages.text(ChatRole.USER, "first question about the weather in Lisbon"),
            ChatMessages.text(ChatRole.ASSISTANT, "first answer: sunny and warm"),
            ChatMessages.text(ChatRole.USER, "second question about the trains"),
            ChatMessages.text(ChatRole.ASSISTANT, "second answer: every ten minutes"));

    @Test
    void shouldKeepTheWholeHistoryWhenItFits() {
        HistoryTrimmer.Trimmed trimmed = trimmer.trim(history, 10_000);

        assertThat(trimmed.kept()).isEqualTo(history);
        assertThat(trimmed.dropped()).isZero();
        assertThat(trimmed.tokens()).isEqualTo(history.stream().mapToInt(trimmer::cost).sum());
    }

    @Test
    void shouldDropTheOldestMessagesFirstToFitTheBudget() {
        // given: room for exactly the last two messages
        int budget = trimmer.cost(history.get(2)) + trimmer.cost(history.get(3));

        // when
        HistoryTrimmer.Trimmed trimmed = trimmer.trim(history, budget);

        // then
        assertThat(trimmed.kept()).containsExactly(history.get(2), history.get(3));
        assertThat(trimmed.dropped()).isEqualTo(2);
        assertThat(trimmed.tokens()).isEqualTo(budget);
    }

    @Test
    void shouldNotStartWithAToolResultWhoseCallWasDropped() {
        List<ChatMessage> withTool = List.of(
                ChatMessages.text(ChatRole.ASSISTANT, "calling the weather tool now"),
                ChatMessages.text(ChatRole.TOOL, "18 degrees"),
                ChatMessages.text(ChatRole.USER, "thanks"));
        int budget = trimmer.cost(withTool.get(1)) + trimmer.cost(withTool.get(2));

        HistoryTrimmer.Trimmed trimmed = trimmer.trim(withTool, budget);

        assertThat(trimmed.kept()).containsExactly(withTool.get(2));
        assertThat(trimmed.dropped()).isEqualTo(2);
    }

    @Test
    void shouldKeepNothingWithoutRoom() {
        assertThat(trimmer.trim(history, 0).kept()).isEmpty();
    }
}
