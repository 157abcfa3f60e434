package dev.fleet.gateway.domain;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ResponseRequested;

/**
 * A validated chat completion request.
 *
 * @param includeUsage a stream ends with a usage-only chunk (OpenAI {@code stream_options.include_usage})
 * @param temperature  null when the client did not set one
 * @param maxTokens    null when the client did not set one
 * @param metadata     the client's metadata, string values; {@code conversation_id} names the conversation
 * @param options      the further OpenAI parameters for the provider; null when the client set none
 * @param response     what a request of the Responses API adds (its {@code responseId} is set on
 *                     submission, from the request id); null for a chat completion
 */
public record ChatCommand(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage,
        Double temperature, Integer maxTokens, Map<String, String> metadata, ChatOptions options,
        ResponseRequested response) {

    public ChatCommand {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        metadata = Map.copyOf(metadata);
    }

    /** A chat completion. */
    public ChatCommand(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage,
            Double temperature, Integer maxTokens, Map<String, String> metadata, ChatOptions options) {
        this(model, messages, stream, includeUsage, temperature, maxTokens, metadata, options, null);
    }
}
