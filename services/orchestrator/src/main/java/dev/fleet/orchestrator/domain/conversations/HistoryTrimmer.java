package dev.fleet.orchestrator.domain.conversations;

import java.util.ArrayList;
import java.util.List;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.platform.tokens.TokenCounter;

/**
 * Fits a conversation's history into what is left of a model's context budget: keeps the newest
 * messages whose tokens fit, drops the older ones, and never starts the kept history with a tool
 * result whose call was dropped. Tokens are counted with jtokkit (cl100k) as the fleet's usage is,
 * so for other tokenizers the budget is an estimate; set it with a margin.
 */
public final class HistoryTrimmer {

    private final TokenCounter tokens;

    public HistoryTrimmer(TokenCounter tokens) {
        this.tokens = tokens;
    }

    /** What was kept of a history and what it cost. */
    public record Trimmed(List<ChatMessage> kept, int dropped, int tokens) {
    }

    /** The newest messages of {@code history} (oldest first) that fit in {@code budget} tokens. */
    public Trimmed trim(List<ChatMessage> history, int budget) {
        int used = 0;
        int first = history.size();
        for (int i = history.size() - 1; i >= 0; i--) {
            int cost = cost(history.get(i));
            if (used + cost > budget) {
                break;
            }
            used += cost;
            first = i;
        }
        while (first < history.size() && history.get(first).getRole() == ChatRole.TOOL) {
            used -= cost(history.get(first));
            first++;
        }
        return new Trimmed(new ArrayList<>(history.subList(first, history.size())), first, used);
    }

    /** A message's tokens as {@link TokenCounter#promptTokens} counts them, without the reply priming. */
    public int cost(ChatMessage message) {
        return tokens.promptTokens(List.of(message)) - tokens.promptTokens(List.of());
    }

    /** Tokens of {@code messages} as a prompt. */
    public int promptTokens(List<ChatMessage> messages) {
        return tokens.promptTokens(messages);
    }
}
