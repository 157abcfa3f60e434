package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;

/**
 * Reads OpenAI chat messages into {@link ChatMessage}s. Roles: {@code system}, {@code developer}
 * (carried as SYSTEM: providers without a developer role treat it as one), {@code user},
 * {@code assistant} (with optional {@code tool_calls}) and {@code tool} (with {@code tool_call_id}).
 * Content is a string or an array of content parts; text parts (and an assistant's
 * {@code refusal} parts) are joined. Image, audio and file parts are refused (400): the fleet
 * carries text only. The deprecated {@code function} role is refused too; use {@code tool}.
 */
final class ChatMessageParser {

    private ChatMessageParser() {
    }

    static List<ChatMessage> parse(List<JsonNode> messages) {
        if (messages == null || messages.isEmpty()) {
            throw RequestMetadata.invalid("messages must be a non-empty array", "messages");
        }
        List<ChatMessage> converted = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            converted.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return converted;
    }

    private static ChatMessage message(JsonNode message, String param) {
        if (message == null || !message.isObject()) {
            throw RequestMetadata.invalid(param + " must be an object", param);
        }
        ChatRole role = role(message.get("role"), param + ".role");
        ChatMessage.Builder result = ChatMessage.newBuilder().setRole(role)
                .setName(optionalText(message.get("name"), param + ".name"));
        JsonNode toolCalls = message.get("tool_calls");
        boolean callsTools = toolCalls != null && !toolCalls.isNull();
        if (callsTools) {
            if (role != ChatRole.ASSISTANT) {
                throw RequestMetadata.invalid(param + ".tool_calls is only allowed on assistant messages",
                        param + ".tool_calls");
            }
            ToolJson.requireToolCalls(toolCalls, param + ".tool_calls");
            result.setToolCallsJson(toolCalls.toString());
        }
        if (role == ChatRole.TOOL) {
            String toolCallId = optionalText(message.get("tool_call_id"), param + ".tool_call_id");
            if (toolCallId == null || toolCallId.isBlank()) {
                throw RequestMetadata.invalid(param + ".tool_call_id is required for tool messages",
                        param + ".tool_call_id");
            }
            result.setToolCallId(toolCallId);
        }
        JsonNode content = message.get("content");
        boolean contentOptional = role == ChatRole.ASSISTANT && (callsTools || message.has("refusal"));
        if ((content == null || content.isNull()) && contentOptional) {
            return result.setContent("").build();
        }
        return result.setContent(content(content, role, param + ".content")).build();
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
            String key = switch (type) {
                case "text" -> "text";
                case "refusal" -> role == ChatRole.ASSISTANT ? "refusal" : null;
                case "image_url", "input_audio", "file" -> throw RequestMetadata.invalid(where + " is a " + type
                        + " part: this gateway carries text only; send the content as text parts", where + ".type");
                default -> null;
            };
            if (key == null || !part.path(key).isTextual()) {
                throw RequestMetadata.invalid(where + " must be a text part {\"type\":\"text\",\"text\":\"...\"}",
                        where);
            }
            text.append(part.get(key).textValue());
        }
        return text.toString();
    }

    private static ChatRole role(JsonNode role, String param) {
        ChatRole parsed = role == null || !role.isTextual() ? null : switch (role.textValue()) {
            case "system", "developer" -> ChatRole.SYSTEM;
            case "user" -> ChatRole.USER;
            case "assistant" -> ChatRole.ASSISTANT;
            case "tool" -> ChatRole.TOOL;
            default -> null;
        };
        if (parsed == null) {
            throw RequestMetadata.invalid(param + " must be one of system, developer, user, assistant, tool", param);
        }
        return parsed;
    }

    static String optionalText(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw RequestMetadata.invalid(param + " must be a string", param);
        }
        return node.textValue();
    }
}
