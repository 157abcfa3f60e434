package dev.fleet.schemas;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;

/** Builds the common {@link ChatMessage}: a role and its text, without a name or tool calls. */
public final class ChatMessages {

    private ChatMessages() {
    }

    public static ChatMessage text(ChatRole role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }
}
