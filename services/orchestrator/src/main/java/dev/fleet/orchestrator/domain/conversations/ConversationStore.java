package dev.fleet.orchestrator.domain.conversations;

import java.util.List;

import dev.fleet.events.v1.ChatMessage;

import reactor.core.publisher.Mono;

/** Where conversations and their messages are kept. */
public interface ConversationStore {

    /** The tenant that owns the conversation; empty when it does not exist yet. */
    Mono<String> owner(String conversationId);

    /** The conversation's messages, oldest first (empty when it does not exist). */
    Mono<List<ChatMessage>> history(String conversationId);

    /**
     * Appends one exchange (the request's messages, then the answer) to the conversation, creating it
     * for {@code tenantId} if needed. Idempotent on {@code requestId}: a re-answered request appends
     * nothing the second time.
     */
    Mono<Void> append(String conversationId, String tenantId, String requestId, List<ChatMessage> messages);
}
