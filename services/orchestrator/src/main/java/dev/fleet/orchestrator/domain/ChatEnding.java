package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.TokenUsage;

/**
 * How a chat request ended, as its last chunk says it.
 *
 * @param text          the text delivered (before the failure, for a failed one)
 * @param usage         the tokens billed; null when no model was reached
 * @param failure       why it failed; null when it was answered
 * @param toolCallsJson the tool calls the model made (OpenAI {@code tool_calls} JSON); null when none
 */
public record ChatEnding(String text, TokenUsage usage, ChatFailure failure, String toolCallsJson) {

    public ChatEnding(String text, TokenUsage usage, ChatFailure failure) {
        this(text, usage, failure, null);
    }

    public boolean failed() {
        return failure != null;
    }
}
