package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.gateway.domain.ChatCommand;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.platform.web.ApiErrorException;

/**
 * The body of {@code POST /v1/chat/completions}, as OpenAI clients send it. Fields this gateway
 * does not use (top_p, n, tools, ...) are ignored. {@code user}, when given, is passed on as
 * metadata {@code user} unless the metadata already has one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionRequest(
        String model,
        List<Message> messages,
        Boolean stream,
        Double temperature,
        @JsonProperty("max_tokens") @JsonAlias("max_completion_tokens") Integer maxTokens,
        Map<String, JsonNode> metadata,
        String user) {

    /** One message; {@code content} must be a string. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, JsonNode content) {
    }

    /**
     * Validates the request against the OpenAI contract and this gateway's models.
     *
     * @throws ApiErrorException 400 for an invalid request, 404 {@code model_not_found} for an unknown model
     */
    public ChatCommand toCommand(ModelCatalog catalog) {
        if (model == null || model.isBlank()) {
            throw RequestMetadata.invalid("you must provide a model parameter", "model");
        }
        if (messages == null || messages.isEmpty()) {
            throw RequestMetadata.invalid("messages must be a non-empty array", "messages");
        }
        List<ChatMessage> converted = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            converted.add(convert(messages.get(i), "messages[" + i + "]"));
        }
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw RequestMetadata.invalid("temperature must be between 0 and 2", "temperature");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw RequestMetadata.invalid("max_tokens must be at least 1", "max_tokens");
        }
        Map<String, String> meta = RequestMetadata.CHAT.toStrings(metadata, "metadata");
        if (user != null && !user.isBlank()) {
            meta.putIfAbsent("user", user);
        }
        if (!catalog.isChatModel(model)) {
            throw new ApiErrorException(ModelErrors.notFound(model));
        }
        return new ChatCommand(model, converted, Boolean.TRUE.equals(stream), temperature, maxTokens, meta);
    }

    private static ChatMessage convert(Message message, String param) {
        if (message == null) {
            throw RequestMetadata.invalid(param + " must be an object", param);
        }
        ChatRole role = role(message.role(), param + ".role");
        JsonNode content = message.content();
        if (content == null || !content.isTextual()) {
            throw RequestMetadata.invalid(param + ".content must be a string", param + ".content");
        }
        return ChatMessages.text(role, content.textValue());
    }

    private static ChatRole role(String role, String param) {
        ChatRole parsed = role == null ? null : switch (role) {
            case "system" -> ChatRole.SYSTEM;
            case "user" -> ChatRole.USER;
            case "assistant" -> ChatRole.ASSISTANT;
            case "tool" -> ChatRole.TOOL;
            default -> null;
        };
        if (parsed == null) {
            throw RequestMetadata.invalid(param + " must be one of system, user, assistant, tool", param);
        }
        return parsed;
    }
}
