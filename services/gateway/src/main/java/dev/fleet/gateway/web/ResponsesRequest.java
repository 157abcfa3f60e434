package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ResponseRequested;
import dev.fleet.gateway.domain.ChatCommand;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

/**
 * The body of {@code POST /v1/responses} (OpenAI's Responses API), bridged onto the chat path: it
 * becomes the same {@link ChatCommand} a chat completion becomes, so limits, quotas, prompts
 * ({@code metadata.prompt}), usage and audit are the chat path's (decision 0028).
 * <p>
 * Mapped: {@code instructions} to a first system message, {@code input} (a string: one user
 * message; or a list of message items, see {@link ResponsesInputParser}) to the messages,
 * {@code max_output_tokens} to max tokens, {@code temperature}, {@code top_p}, {@code user} and
 * {@code metadata} as for chat. {@code store} (default true) and {@code previous_response_id} travel
 * to the orchestrator on the request ({@code ResponseRequested}), which stores the response and
 * builds the history of a continued one (decision 0029). Function {@code tools},
 * {@code tool_choice}, {@code parallel_tool_calls} and {@code text.format} become the chat path's
 * tools, tool_choice and response_format ({@link ResponsesTools}, decision 0045) and are echoed by
 * the response. Refused with a 400 naming the parameter, since the fleet cannot honour them yet:
 * {@code conversation} (use {@code previous_response_id}), hosted tools, and {@code background: true}.
 * Other fields are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResponsesRequest(
        String model,
        JsonNode input,
        JsonNode instructions,
        @JsonProperty("max_output_tokens") Integer maxOutputTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        Map<String, JsonNode> metadata,
        String user,
        Boolean store,
        Boolean stream,
        Boolean background,
        @JsonProperty("previous_response_id") String previousResponseId,
        JsonNode conversation,
        JsonNode text) {

    /** A validated request: the chat command it becomes, and what the response object echoes. */
    public record Bridged(ChatCommand command, Echo echo) {
    }

    /**
     * The request parameters a {@code response} object repeats.
     *
     * @param metadata the client's metadata, as strings (without the {@code user} added for the orchestrator)
     */
    public record Echo(String instructions, Map<String, String> metadata, Double temperature, Double topP,
            Integer maxOutputTokens, String user, boolean store, String previousResponseId, JsonNode tools,
            JsonNode toolChoice, boolean parallelToolCalls, JsonNode textFormat) {

        public Echo {
            metadata = Map.copyOf(metadata);
        }

        /** Without tools and text.format. */
        public Echo(String instructions, Map<String, String> metadata, Double temperature, Double topP,
                Integer maxOutputTokens, String user, boolean store, String previousResponseId) {
            this(instructions, metadata, temperature, topP, maxOutputTokens, user, store, previousResponseId, null,
                    null, true, null);
        }

        /** A response that is not stored and continues none. */
        public Echo(String instructions, Map<String, String> metadata, Double temperature, Double topP,
                Integer maxOutputTokens, String user) {
            this(instructions, metadata, temperature, topP, maxOutputTokens, user, false, null);
        }
    }

    /**
     * Validates the request against the Responses contract, this gateway's models and {@code limits}.
     *
     * @throws ApiErrorException 400 for an invalid or unsupported request, 404 {@code model_not_found}
     */
    public Bridged toCommand(ModelCatalog catalog, RequestLimits limits) {
        if (model == null || model.isBlank()) {
            throw RequestMetadata.invalid("you must provide a model parameter", "model");
        }
        refuseUnsupported();
        String system = ChatMessageParser.optionalText(instructions, "instructions");
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null && !system.isEmpty()) {
            messages.add(ChatMessage.newBuilder().setRole(ChatRole.SYSTEM).setContent(system).build());
        }
        messages.addAll(ResponsesInputParser.parse(input));
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw RequestMetadata.invalid("temperature must be between 0 and 2", "temperature");
        }
        if (topP != null && (topP.isNaN() || topP < 0 || topP > 1)) {
            throw RequestMetadata.invalid("top_p must be between 0 and 1", "top_p");
        }
        if (maxOutputTokens != null && (maxOutputTokens < 1 || maxOutputTokens > limits.maxCompletionTokens())) {
            throw RequestMetadata.invalid("max_output_tokens must be between 1 and " + limits.maxCompletionTokens(),
                    "max_output_tokens");
        }
        Map<String, String> clientMetadata = RequestMetadata.CHAT.toStrings(metadata, "metadata");
        Map<String, String> meta = new LinkedHashMap<>(clientMetadata);
        String endUser = EndUser.validated(user);
        if (endUser != null && !endUser.isBlank()) {
            meta.putIfAbsent("user", endUser);
        }
        if (!catalog.isChatModel(model)) {
            throw new ApiErrorException(ModelErrors.notFound(model));
        }
        boolean stored = !Boolean.FALSE.equals(store);
        JsonNode chatTools = ResponsesTools.tools(tools);
        JsonNode chatToolChoice = ResponsesTools.toolChoice(toolChoice, chatTools != null);
        JsonNode format = present(text) ? text.path("format") : null;
        JsonNode responseFormat = ResponsesTools.responseFormat(format);
        JsonNode echoedTools = echoedTools(chatTools);
        JsonNode echoedFormat = responseFormat == null ? null : format;
        ResponseRequested response = ResponseRequested.newBuilder()
                .setResponseId("") // set on submission, from the request id
                .setStore(stored)
                .setPreviousResponseId(previousResponseId)
                .setInstructions(system == null || system.isEmpty() ? null : system)
                .setTopP(topP)
                .setUser(endUser)
                .setMetadata(clientMetadata)
                .setToolsJson(echoedTools == null ? null : echoedTools.toString())
                .setToolChoiceJson(present(toolChoice) ? toolChoice.toString() : null)
                .setTextFormatJson(echoedFormat == null ? null : echoedFormat.toString())
                .build();
        ChatOptions options = ChatOptions.newBuilder().setTopP(topP).setUser(endUser)
                .setToolsJson(chatTools == null ? null : chatTools.toString())
                .setToolChoiceJson(chatToolChoice == null ? null : chatToolChoice.toString())
                .setParallelToolCalls(chatTools == null ? null : parallelToolCalls)
                .setResponseFormatJson(responseFormat == null ? null : responseFormat.toString())
                .build();
        ChatCommand command = new ChatCommand(model, messages, Boolean.TRUE.equals(stream), false, temperature,
                maxOutputTokens, meta, options.equals(ChatOptions.newBuilder().build()) ? null : options, response);
        return new Bridged(command, new Echo(system, clientMetadata, temperature, topP, maxOutputTokens, endUser,
                stored, previousResponseId, echoedTools, present(toolChoice) ? toolChoice : null,
                !Boolean.FALSE.equals(parallelToolCalls), echoedFormat));
    }

    /**
     * The tools as a response object repeats them: Responses function tools with {@code parameters}
     * and {@code strict} always present (null when the client left them out), as the SDKs expect.
     */
    static JsonNode echoedTools(JsonNode chatTools) {
        if (chatTools == null) {
            return null;
        }
        var echoed = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (JsonNode tool : chatTools) {
            JsonNode function = tool.path("function");
            var item = echoed.addObject().put("type", "function").put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                item.set("description", function.get("description"));
            }
            item.set("parameters", function.hasNonNull("parameters") ? function.get("parameters") : null);
            item.set("strict", function.hasNonNull("strict") ? function.get("strict") : null);
        }
        return echoed;
    }

    private void refuseUnsupported() {
        if (previousResponseId != null && previousResponseId.isBlank()) {
            throw RequestMetadata.invalid("previous_response_id must not be empty", "previous_response_id");
        }
        if (present(conversation)) {
            throw unsupported("conversation is not supported yet: continue a stored response with "
                    + "previous_response_id, or send the earlier turns as input items", "conversation");
        }
        if (Boolean.TRUE.equals(background)) {
            throw unsupported("background responses are not supported: this gateway answers while the client waits",
                    "background");
        }
        if (present(text) && !text.isObject()) {
            throw RequestMetadata.invalid("text must be an object", "text");
        }
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    /** OpenAI's 400 for a parameter a model or endpoint does not support. */
    static ApiErrorException unsupported(String message, String param) {
        return new ApiErrorException(new ApiError(HttpStatus.BAD_REQUEST, message,
                "invalid_request_error", param, "unsupported_parameter"));
    }
}
