package dev.fleet.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Shape checks of OpenAI's tool JSON ({@code tools}, {@code tool_choice}, an assistant's
 * {@code tool_calls}, {@code response_format}). The fleet carries these as JSON text to the
 * provider, so only what a provider would certainly refuse is refused here; the schemas inside
 * (function parameters, JSON schema) are passed on unchecked.
 */
final class ToolJson {

    private ToolJson() {
    }

    static void requireTools(JsonNode tools, String param) {
        if (!tools.isArray() || tools.isEmpty() || tools.size() > 128) {
            throw RequestMetadata.invalid(param + " must be an array of 1 to 128 tools", param);
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String where = param + "[" + i + "]";
            if (!"function".equals(tool.path("type").asText()) || !tool.path("function").isObject()) {
                throw RequestMetadata.invalid(where + " must be {\"type\":\"function\",\"function\":{...}}", where);
            }
            requireName(tool.path("function"), where + ".function.name");
        }
    }

    static void requireToolChoice(JsonNode choice, boolean hasTools, String param) {
        if (choice.isTextual()) {
            switch (choice.textValue()) {
                case "none", "auto" -> {
                    return;
                }
                case "required" -> {
                    if (hasTools) {
                        return;
                    }
                    throw RequestMetadata.invalid(param + " 'required' needs tools", param);
                }
                default -> throw RequestMetadata.invalid(param + " must be none, auto, required or an object",
                        param);
            }
        }
        if (!choice.isObject() || !"function".equals(choice.path("type").asText()) || !hasTools) {
            throw RequestMetadata.invalid(param + " must name a function of tools: "
                    + "{\"type\":\"function\",\"function\":{\"name\":\"...\"}}", param);
        }
        requireName(choice.path("function"), param + ".function.name");
    }

    static void requireToolCalls(JsonNode calls, String param) {
        if (!calls.isArray()) {
            throw RequestMetadata.invalid(param + " must be an array", param);
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String where = param + "[" + i + "]";
            if (!call.path("id").isTextual() || !call.path("function").isObject()
                    || !call.path("function").path("arguments").isTextual()) {
                throw RequestMetadata.invalid(where + " must be {\"id\":\"...\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"...\",\"arguments\":\"...\"}}", where);
            }
            requireName(call.path("function"), where + ".function.name");
        }
    }

    static void requireResponseFormat(JsonNode format, String param) {
        String type = format.path("type").asText("");
        switch (type) {
            case "text", "json_object" -> {
            }
            case "json_schema" -> {
                if (!format.path("json_schema").isObject()) {
                    throw RequestMetadata.invalid(param + ".json_schema must be an object", param + ".json_schema");
                }
                requireName(format.path("json_schema"), param + ".json_schema.name");
            }
            default -> throw RequestMetadata.invalid(param + ".type must be text, json_object or json_schema",
                    param + ".type");
        }
    }

    private static void requireName(JsonNode owner, String param) {
        JsonNode name = owner.path("name");
        if (!name.isTextual() || name.textValue().isBlank()) {
            throw RequestMetadata.invalid(param + " must be a non-empty string", param);
        }
    }
}
