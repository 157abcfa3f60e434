package dev.fleet.platform.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.schemas.ChatMessages;

class TokenCounterTest {

    private final TokenCounter tokens = TokenCounter.cl100k();

    @Test
    void countsCl100kTokens() {
        assertThat(tokens.count("hello world")).isEqualTo(2);
        assertThat(tokens.count("")).isZero();
        assertThat(tokens.count(null)).isZero();
    }

    @Test
    void estimatesPromptTokensTheWayOpenAiDoesForChatModels() {
        // given: "user" = 1 token, "hello world" = 2 tokens
        List<ChatMessage> messages = List.of(ChatMessages.text(ChatRole.USER, "hello world"));

        // then: 3 (reply priming) + 3 (per message) + 1 + 2
        assertThat(tokens.promptTokens(messages)).isEqualTo(9);
    }
}
