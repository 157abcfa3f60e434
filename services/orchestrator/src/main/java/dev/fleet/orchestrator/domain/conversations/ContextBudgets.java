package dev.fleet.orchestrator.domain.conversations;

import java.util.Map;

/**
 * Each model's context window in tokens, and the tokens kept free for the answer, from which the
 * room left for a conversation's history is computed.
 *
 * @param defaultTokens  the context window of a model not listed in {@code perModel}
 * @param perModel       context windows by model name
 * @param replyReserve   tokens kept free for the answer when the request sets no {@code max_tokens}
 */
public record ContextBudgets(int defaultTokens, Map<String, Integer> perModel, int replyReserve) {

    public ContextBudgets {
        perModel = Map.copyOf(perModel);
    }

    public int contextTokens(String model) {
        return perModel.getOrDefault(model, defaultTokens);
    }

    /** Tokens left for history in a request to {@code model} whose own messages take {@code promptTokens}. */
    public int historyBudget(String model, int promptTokens, Integer maxTokens) {
        int reply = maxTokens != null && maxTokens > 0 ? maxTokens : replyReserve;
        return Math.max(0, contextTokens(model) - promptTokens - reply);
    }
}
