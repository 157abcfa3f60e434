package dev.fleet.orchestrator.providers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.openai.api.ResponseFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;

/**
 * OpenAI's tool JSON, as the chat request carries it (the client's text, checked by the gateway),
 * to and from Spring AI's OpenAI types: {@code tools}, {@code tool_choice} and
 * {@code response_format} for the request, an assistant's {@code tool_calls} and {@code tool}
 * results for the messages, and the model's tool calls back to OpenAI's {@code tool_calls} array.
 * Fields Spring AI's types do not know are dropped (none that OpenAI documents for function tools).
 */
public final class OpenAiTools {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<List<OpenAiApi.FunctionTool>> TOOLS = new TypeReference<>() {
    };

    private OpenAiTools() {
    }

    /** The request's tools; null when it has none. */
    static List<OpenAiApi.FunctionTool> tools(String toolsJson) {
        return toolsJson == null ? null : read(toolsJson, TOOLS);
    }

    /** {@code tool_choice}: a string ({@code auto}, {@code none}, {@code required}) or the object as a map. */
    static Object toolChoice(String toolChoiceJson) {
        if (toolChoiceJson == null) {
            return null;
        }
        JsonNode choice = read(toolChoiceJson, new TypeReference<JsonNode>() {
        });
        return choice.isTextual() ? choice.textValue() : JSON.convertValue(choice, Map.class);
    }

    static ResponseFormat responseFormat(String responseFormatJson) {
        return responseFormatJson == null ? null : read(responseFormatJson, new TypeReference<ResponseFormat>() {
        });
    }

    /** The messages, an assistant's tool calls and the tool results included. */
    static List<Message> messages(ChatRequested request) {
        List<Message> messages = new ArrayList<>();
        Map<String, String> toolNames = new HashMap<>();
        for (ChatMessage message : request.getMessages()) {
            messages.add(switch (message.getRole()) {
                case SYSTEM -> new SystemMessage(message.getContent());
                case USER -> new UserMessage(message.getContent());
                case ASSISTANT -> message.getToolCallsJson() == null ? new AssistantMessage(message.getContent())
                        : AssistantMessage.builder().content(message.getContent())
                                .toolCalls(toolCalls(message.getToolCallsJson(), toolNames)).build();
                case TOOL -> ToolResponseMessage.builder().responses(List.of(new ToolResponseMessage.ToolResponse(
                        message.getToolCallId(), message.getName() != null ? message.getName()
                                : toolNames.getOrDefault(message.getToolCallId(), ""),
                        message.getContent()))).build();
            });
        }
        return messages;
    }

    private static List<AssistantMessage.ToolCall> toolCalls(String toolCallsJson, Map<String, String> names) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        for (JsonNode call : read(toolCallsJson, new TypeReference<JsonNode>() {
        })) {
            String id = call.path("id").asText();
            String name = call.path("function").path("name").asText();
            names.put(id, name);
            calls.add(new AssistantMessage.ToolCall(id, call.path("type").asText("function"), name,
                    call.path("function").path("arguments").asText("")));
        }
        return calls;
    }

    /** The model's tool calls as OpenAI's {@code tool_calls} array (with {@code index}), JSON. */
    public static String toolCallsJson(List<AssistantMessage.ToolCall> calls) {
        List<Map<String, Object>> array = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            AssistantMessage.ToolCall call = calls.get(i);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("index", i);
            json.put("id", call.id());
            json.put("type", call.type() == null || call.type().isEmpty() ? "function" : call.type());
            json.put("function", Map.of("name", call.name(), "arguments",
                    call.arguments() == null ? "" : call.arguments()));
            array.add(json);
        }
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write tool calls", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not OpenAI tool JSON: " + e.getOriginalMessage(), e);
        }
    }
}
