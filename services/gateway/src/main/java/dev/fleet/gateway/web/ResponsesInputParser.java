package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;

/**
 * Reads a Responses API {@code input} into chat messages: a string is one user message; a list
 * holds message items {@code {"role", "content"}} (with or without {@code "type": "message"}),
 * roles {@code user}, {@code assistant}, {@code system} and {@code developer} (carried as system,
 * as on the chat path), content a string or a list of {@code input_text} parts (an assistant's
 * earlier turn may use {@code output_text} parts). Refused (400, naming the item):
 * {@code function_call} and {@code function_call_output} items (the fleet does not carry tool
 * calls through this API yet), {@code item_reference}s (nothing is stored), image, file and audio
 * parts (the fleet carries text), and anything else.
 */
final class ResponsesInputParser {

    private ResponsesInputParser() {
    }

    static List<ChatMessage> parse(JsonNode input) {
        if (input != null && input.isTextual()) {
            return List.of(message(ChatRole.USER, input.textValue()));
        }
        if (input == null || !input.isArray() || input.isEmpty()) {
            throw RequestMetadata.invalid("input must be a string or a non-empty array of input items", "input");
        }
        List<ChatMessage> messages = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            messages.add(item(input.get(i), "input[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage item(JsonNode item, String param) {
        if (item == null || !item.isObject()) {
            throw RequestMetadata.invalid(param + " must be an object", param);
        }
        String type = item.path("type").asText("message");
        switch (type) {
            case "message" -> {
            }
            case "function_call", "function_call_output" -> throw ResponsesRequest.unsupported(param + " is a "
                    + type + " item: tool calls are not supported on /v1/responses yet", param + ".type");
            case "item_reference" -> throw ResponsesRequest.unsupported(param + " is an item_reference: this "
                    + "gateway does not store items; send the item itself", param + ".type");
            default -> throw RequestMetadata.invalid(param + ".type must be message", param + ".type");
        }
        ChatRole role = role(item.get("role"), param + ".role");
        return message(role, content(item.get("content"), role, param + ".content"));
    }

    private static ChatRole role(JsonNode role, String param) {
        ChatRole parsed = role == null || !role.isTextual() ? null : switch (role.textValue()) {
            case "system", "developer" -> ChatRole.SYSTEM;
            case "user" -> ChatRole.USER;
            case "assistant" -> ChatRole.ASSISTANT;
            default -> null;
        };
        if (parsed == null) {
            throw RequestMetadata.invalid(param + " must be one of user, assistant, system, developer", param);
        }
        return parsed;
    }

    private static String content(JsonNode content, ChatRole role, String param) {
        if (content != null && content.isTextual()) {
            return content.textValue();
        }
        if (content == null || !content.isArray() || content.isEmpty()) {
            throw RequestMetadata.invalid(param + " must be a string or a non-empty array of content parts", param);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String where = param + "[" + i + "]";
            String type = part.path("type").asText("");
            boolean textPart = "input_text".equals(type) || "output_text".equals(type) && role == ChatRole.ASSISTANT;
            if ("input_image".equals(type) || "input_file".equals(type) || "input_audio".equals(type)) {
                throw RequestMetadata.invalid(where + " is an " + type + " part: this gateway carries text only; "
                        + "send the content as input_text parts", where + ".type");
            }
            if (!textPart || !part.path("text").isTextual()) {
                throw RequestMetadata.invalid(where + " must be a text part {\"type\":\"input_text\",\"text\":\"...\"}",
                        where);
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }

    private static ChatMessage message(ChatRole role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }
}
