package dev.fleet.orchestrator.domain;

import java.util.List;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;

/**
 * A chat request as the model sees it, and how it came to be.
 *
 * @param request         the request with its messages replaced by what the model is sent
 * @param newMessages     the client's own non-system messages of this request (kept in the conversation)
 * @param promptName      the prompt template prepended as the system message, or null
 * @param promptVersion   its version, or null
 * @param historyKept     earlier messages of the conversation sent along
 * @param historyDropped  earlier messages left out to fit the model's context budget
 * @param historyTokens   tokens of the history sent along
 */
public record PreparedChat(ChatRequested request, List<ChatMessage> newMessages, String promptName,
        Integer promptVersion, int historyKept, int historyDropped, int historyTokens) {

    public static PreparedChat asIs(ChatRequested request) {
        return new PreparedChat(request, List.of(), null, null, 0, 0, 0);
    }
}
