package dev.fleet.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Responses API's function tools, {@code tool_choice} and {@code text.format} in the chat
 * path's shapes (decision 0045): a tool {@code {type:function, name, description, parameters,
 * strict}} becomes the chat tool {@code {type:function, function:{...}}}, a {@code tool_choice}
 * {@code {type:function, name}} becomes {@code {type:function, function:{name}}} (the strings
 * {@code none}, {@code auto}, {@code required} stay), and {@code text.format} becomes
 * {@code response_format} ({@code json_schema}'s name, schema, description and strict move into
 * {@code json_schema}). Then the chat path's own checks apply ({@link ToolJson}). Refused (400):
 * hosted tools (web search, file search, computer use, MCP, ...) and {@code allowed_tools} choices:
 * the fleet has no such tools to run.
 */
final class ResponsesTools {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResponsesTools() {
    }

    /** The chat {@code tools} array; null when there are none. */
    static JsonNode tools(JsonNode tools) {
        if (!present(tools) || tools.isArray() && tools.isEmpty()) {
            return null;
        }
        if (!tools.isArray()) {
            throw RequestMetadata.invalid("tools must be an array", "tools");
        }
        var chat = NODES.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String where = "tools[" + i + "]";
            String type = tool.path("type").asText("");
            if (!"function".equals(type)) {
                throw ResponsesRequest.unsupported(where + " is a " + (type.isEmpty() ? "tool without a type" : type)
                        + " tool: this gateway serves function tools only", where + ".type");
            }
            ObjectNode function = NODES.objectNode();
            copy(tool, function, "name", "description", "parameters", "strict");
            chat.add(NODES.objectNode().put("type", "function").set("function", function));
        }
        ToolJson.requireTools(chat, "tools");
        return chat;
    }

    /** The chat {@code tool_choice}; null when not set. */
    static JsonNode toolChoice(JsonNode choice, boolean hasTools) {
        if (!present(choice)) {
            return null;
        }
        JsonNode chat = choice;
        if (choice.isObject()) {
            if (!"function".equals(choice.path("type").asText())) {
                throw ResponsesRequest.unsupported("tool_choice must be none, auto, required or "
                        + "{\"type\":\"function\",\"name\":\"...\"}: this gateway serves function tools only",
                        "tool_choice");
            }
            ObjectNode function = NODES.objectNode();
            copy(choice, function, "name");
            chat = NODES.objectNode().put("type", "function").set("function", function);
        }
        if (!hasTools && !(chat.isTextual() && ("none".equals(chat.textValue()) || "auto".equals(chat.textValue())))) {
            throw RequestMetadata.invalid("tool_choice " + choice + " needs tools", "tool_choice");
        }
        ToolJson.requireToolChoice(chat, hasTools, "tool_choice");
        return chat;
    }

    /** The chat {@code response_format} of {@code text.format}; null when not set. */
    static JsonNode responseFormat(JsonNode format) {
        if (!present(format)) {
            return null;
        }
        if (!format.isObject()) {
            throw RequestMetadata.invalid("text.format must be an object", "text.format");
        }
        JsonNode chat = format;
        if ("json_schema".equals(format.path("type").asText())) {
            if (!format.path("schema").isObject()) {
                throw RequestMetadata.invalid("text.format.schema must be a JSON schema object", "text.format.schema");
            }
            ObjectNode schema = NODES.objectNode();
            copy(format, schema, "name", "description", "schema", "strict");
            chat = NODES.objectNode().put("type", "json_schema").set("json_schema", schema);
        }
        ToolJson.requireResponseFormat(chat, "text.format");
        return chat;
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String field : fields) {
            if (present(from.get(field))) {
                to.set(field, from.get(field));
            }
        }
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }
}
