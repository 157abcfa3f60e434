package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;

/**
 * Reads a Responses API {@code input} into chat messages: a string is one user message; a list
 * holds message items {@code {"role", "content"}} (with or without {@code "type": "message"}),
 * roles {@code user}, {@code assistant}, {@code system} and {@code developer} (carried as system,
 * as on the chat path), content a string or a list of {@code input_text} parts (an assistant's
 * earlier turn may use {@code output_text} parts). A {@code function_call} item (the model's call,
 * {@code call_id}, {@code name}, {@code arguments}) joins the assistant message before it as one of
 * its tool calls, or starts one; a {@code function_call_output} item ({@code call_id},
 * {@code output}) is a tool message. Refused (400, naming the item): {@code item_reference}s
 * (nothing is stored), image, file and audio parts (the fleet carries text), and anything else.
 */
final class ResponsesInputParser {

    private static final ObjectMapper JSON = new ObjectMapper();

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
            JsonNode item = input.get(i);
            String param = "input[" + i + "]";
            if (item == null || !item.isObject()) {
                throw RequestMetadata.invalid(param + " must be an object", param);
            }
            String type = item.path("type").asText("message");
            switch (type) {
                case "message" -> {
                    ChatRole role = role(item.get("role"), param + ".role");
                    messages.add(message(role, content(item.get("content"), role, param + ".content")));
                }
                case "function_call" -> addCall(messages, functionCall(item, param));
                case "function_call_output" -> messages.add(ChatMessage.newBuilder().setRole(ChatRole.TOOL)
                        .setToolCallId(callId(item, param)).setContent(output(item.get("output"), param + ".output"))
                        .build());
                case "item_reference" -> throw ResponsesRequest.unsupported(param + " is an item_reference: this "
                        + "gateway does not store items; send the item itself", param + ".type");
                default -> throw RequestMetadata.invalid(param + ".type must be message, function_call or "
                        + "function_call_output", param + ".type");
            }
        }
        return messages;
    }

    /** The chat {@code tool_calls} entry of a {@code function_call} item. */
    private static ObjectNode functionCall(JsonNode item, String param) {
        JsonNode name = item.get("name");
        if (name == null || !name.isTextual() || name.textValue().isBlank()) {
            throw RequestMetadata.invalid(param + ".name must be a non-empty string", param + ".name");
        }
        JsonNode arguments = item.get("arguments");
        if (arguments == null || !arguments.isTextual()) {
            throw RequestMetadata.invalid(param + ".arguments must be a string (JSON)", param + ".arguments");
        }
        ObjectNode call = JsonNodeFactory.instance.objectNode().put("id", callId(item, param)).put("type", "function");
        call.putObject("function").put("name", name.textValue()).put("arguments", arguments.textValue());
        return call;
    }

    /**
     * Adds a call to the assistant message just before it (an earlier call, or the text the model
     * said before calling), or as a new assistant message: chat models expect one assistant turn
     * with all its calls.
     */
    private static void addCall(List<ChatMessage> messages, ObjectNode call) {
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && last.getRole() == ChatRole.ASSISTANT) {
            ArrayNode calls = last.getToolCallsJson() == null ? JsonNodeFactory.instance.arrayNode()
                    : (ArrayNode) readTree(last.getToolCallsJson());
            calls.add(call);
            messages.set(messages.size() - 1, ChatMessage.newBuilder(last).setToolCallsJson(calls.toString()).build());
        } else {
            messages.add(ChatMessage.newBuilder().setRole(ChatRole.ASSISTANT).setContent("")
                    .setToolCallsJson(JsonNodeFactory.instance.arrayNode().add(call).toString()).build());
        }
    }

    private static String callId(JsonNode item, String param) {
        JsonNode id = item.get("call_id");
        if (id == null || !id.isTextual() || id.textValue().isBlank()) {
            throw RequestMetadata.invalid(param + ".call_id must be a non-empty string", param + ".call_id");
        }
        return id.textValue();
    }

    /** A function call's output: a string, or a list of {@code input_text} parts (joined). */
    private static String output(JsonNode output, String param) {
        if (output != null && output.isTextual()) {
            return output.textValue();
        }
        return content(output, ChatRole.TOOL, param);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("tool calls are not JSON", e);
        }
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
