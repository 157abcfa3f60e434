package dev.fleet.gateway.domain;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.fleet.events.v1.ChatMessage;

/**
 * A validated chat completion request.
 *
 * @param temperature null when the client did not set one
 * @param maxTokens   null when the client did not set one
 * @param metadata    the client's metadata, string values; {@code conversation_id} names the conversation
 */
public record ChatCommand(String model, List<ChatMessage> messages, boolean stream, Double temperature,
        Integer maxTokens, Map<String, String> metadata) {

    public ChatCommand {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        metadata = Map.copyOf(metadata);
    }
}
