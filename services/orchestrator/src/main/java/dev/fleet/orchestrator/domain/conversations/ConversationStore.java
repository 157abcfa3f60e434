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
     * The conversation's owner and messages, oldest first; empty when it does not exist yet. A chat
     * reads this once per request: a store that can answer it in one read should (by default, two).
     */
    default Mono<Conversation> find(String conversationId) {
        return owner(conversationId).flatMap(tenantId -> history(conversationId)
                .map(messages -> new Conversation(tenantId, messages)));
    }

    /**
     * Appends one exchange (the request's messages, then the answer) to the conversation, creating it
     * for {@code tenantId} if needed. Idempotent on {@code requestId}: a re-answered request appends
     * nothing the second time.
     */
    Mono<Void> append(String conversationId, String tenantId, String requestId, List<ChatMessage> messages);

    /** A stored conversation: the tenant it belongs to and its messages, oldest first. */
    record Conversation(String tenantId, List<ChatMessage> messages) {

        public Conversation {
            messages = List.copyOf(messages);
        }
    }
}
